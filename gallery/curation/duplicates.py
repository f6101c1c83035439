"""Near-duplicate works: flagged by perceptual-hash distance, then merged or kept apart.

Pairs are found once, when works arrive (and by ``flask --app wsgi works find-duplicates`` for
older works), and stored in ``duplicate_pairs`` so pages never compare hashes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from gallery.curation.operations import DecisionRefused
from gallery.extensions import db
from gallery.lifecycle.deletion import delete_works
from gallery.models import (
    Comment,
    Conflict,
    DeletionReason,
    DuplicatePair,
    PairVerdict,
    User,
    Vote,
    Work,
    WorkStatus,
)

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

# At most this many of the 64 hash bits may differ. 10 is the usual pHash cut-off: it catches
# re-exports, crops of a few per cent and colour tweaks without pairing unrelated designs.
THRESHOLD = 10
# Rows compared at once by the full scan (a 512 x n matrix of 64-bit words).
_CHUNK = 512


def _hashes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return every work's id, entry id and perceptual hash as arrays."""
    # NumPy loads when hashes are compared (an upload, the command), not with the app.
    import numpy as np

    rows = db.session.execute(select(Work.id, Work.entry_id, Work.phash)).all()
    ids = np.array([r.id for r in rows], dtype=np.int64)
    entries = np.array([r.entry_id for r in rows], dtype=np.int64)
    hashes = np.array([int(r.phash, 16) for r in rows], dtype=np.uint64)
    return ids, entries, hashes


def _record(found: Iterable[tuple[int, int, int]]) -> list[DuplicatePair]:
    """Store the pairs (a, b, distance) that are not stored yet; return the new ones."""
    wanted = {(min(a, b), max(a, b)): d for a, b, d in found}
    if not wanted:
        return []
    firsts = {a for a, _b in wanted}
    known_pairs = select(DuplicatePair.first_id, DuplicatePair.second_id)
    if len(firsts) <= _CHUNK:
        # Few works (a new entry): look up only theirs. A full scan reads every pair instead.
        known_pairs = known_pairs.where(DuplicatePair.first_id.in_(firsts))
    rows = db.session.execute(known_pairs)
    known = {(first, second) for first, second in rows}
    pairs = [
        DuplicatePair(first_id=a, second_id=b, distance=d)
        for (a, b), d in sorted(wanted.items())
        if (a, b) not in known
    ]
    db.session.add_all(pairs)
    db.session.flush()
    return pairs


def flag_near_duplicates(works: Iterable[Work]) -> list[DuplicatePair]:
    """Pair each of ``works`` with every look-alike of another entry; return new pairs."""
    works = list(works)
    if not works:
        return []
    import numpy as np

    ids, entries, hashes = _hashes()
    found = []
    for work in works:
        distances = np.bitwise_count(hashes ^ np.uint64(int(work.phash, 16)))
        # Look-alikes inside one entry are the artist's own variants, not duplicates.
        close = (distances <= THRESHOLD) & (entries != work.entry_id)
        found += [
            (work.id, int(i), int(d)) for i, d in zip(ids[close], distances[close], strict=True)
        ]
    pairs = _record(found)
    if pairs:
        log.info("%s near-duplicate pairs flagged", len(pairs))
    return pairs


def find_all_near_duplicates() -> list[DuplicatePair]:
    """Compare every work with every other once and store the pairs not known yet."""
    import numpy as np

    ids, entries, hashes = _hashes()
    found = []
    for start in range(0, len(ids), _CHUNK):
        block = slice(start, start + _CHUNK)
        distances = np.bitwise_count(hashes[block, None] ^ hashes[None, :])
        rows, cols = np.nonzero(distances <= THRESHOLD)
        rows += start
        keep = (rows < cols) & (entries[rows] != entries[cols])
        found += [
            (int(ids[r]), int(ids[c]), int(distances[r - start, c]))
            for r, c in zip(rows[keep], cols[keep], strict=True)
        ]
    return _record(found)


def open_pairs(work: Work) -> list[DuplicatePair]:
    """Return the unjudged near-duplicate pairs ``work`` belongs to, closest first."""
    return list(
        db.session.scalars(
            select(DuplicatePair)
            .where(
                DuplicatePair.verdict == PairVerdict.OPEN,
                or_(DuplicatePair.first_id == work.id, DuplicatePair.second_id == work.id),
            )
            .options(selectinload(DuplicatePair.first), selectinload(DuplicatePair.second))
            .order_by(DuplicatePair.distance, DuplicatePair.id)
        )
    )


def mark_different(*, pair: DuplicatePair, by: User) -> None:
    """Remember that the two works are different, so they are no longer flagged."""
    pair.verdict = PairVerdict.DIFFERENT
    pair.judged_by_id = by.id
    db.session.flush()


def merge_works(*, keep: Work, drop: Work) -> int:
    """Fold ``drop`` into ``keep`` (votes and comments move; ``keep``'s vote wins), then delete
    ``drop``."""
    if keep.id == drop.id:
        raise DecisionRefused(_l("A work cannot be merged with itself."))
    if WorkStatus.WITHDRAWN in (keep.status, drop.status):
        raise DecisionRefused(_l("The artist withdrew one of these works; it cannot be changed."))
    kept_voters = select(Vote.user_id).where(Vote.work_id == keep.id).scalar_subquery()
    # A curator who declared a conflict with keep's entry must not gain a vote on it.
    conflicted = select(Conflict.user_id).where(Conflict.entry_id == keep.entry_id)
    moved = db.session.execute(
        update(Vote)
        .where(
            Vote.work_id == drop.id,
            Vote.user_id.not_in(kept_voters),
            Vote.user_id.not_in(conflicted.scalar_subquery()),
        )
        .values(work_id=keep.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    # The discussion of the copy is about the same artwork: it joins keep's thread.
    db.session.execute(
        update(Comment)
        .where(Comment.work_id == drop.id)
        .values(work_id=keep.id)
        .execution_options(synchronize_session=False)
    )
    # The rest of drop's votes (curators who voted on both) go with it by cascade.
    delete_works([drop], reason=DeletionReason.DUPLICATE)
    log.info("work %s merged into %s, %s votes moved", drop.id, keep.id, moved)
    return moved
