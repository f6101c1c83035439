"""Entries and works: as rows (``make_entry``, ``make_work``) or through the real intake."""

from __future__ import annotations

import hashlib

from flask import Flask

from gallery.extensions import db
from gallery.models import Entry, Licence, Work, WorkState, WorkStatus
from gallery.storage.files import get_storage
from gallery.submissions.images import store_upload
from gallery.submissions.operations import Credit, create_entry, hash_claim_token
from tests.factories.base import committed, id_of, loaded, next_number, own_context
from tests.factories.files import image_bytes, webp_bytes

# What a stored master holds when a test makes rows: never an image, never served publicly.
MASTER_BYTES = b"original master, never served publicly"


def set_state(work: Work, state: WorkState | WorkStatus | str) -> Work:
    """Put ``work`` in ``state`` ("published", "published+selected", "declined" …) directly."""
    work.status, work.published, work.selected = WorkState(str(state)).columns()
    return work


def make_entry(
    *,
    works: int = 1,
    state: WorkState | WorkStatus | str = WorkState.NEW,
    titles: tuple[str, ...] | list[str] = (),
    phashes: tuple[str, ...] | list[str] = (),
    has_alpha: bool = False,
    widths: tuple[int, ...] = (320, 640),
    files: bool = False,
    app: Flask | None = None,
    **entry_fields,
) -> Entry:
    """Create an entry of ``works`` works in ``state`` as rows, every consent given.

    ``titles`` and ``phashes`` go to the works in order (defaults: "Work N" and hashes far
    apart, so nothing is a near-duplicate unless a test says so); ``files`` also stores each
    master and its WebP previews. ``entry_fields`` are the entry's own: credit, credit_url,
    licence, consent_publish, consent_print, consent_social, contact, wants_contact, note
    and claim_token (the token its claim link takes). Returns the entry, ``entry.works``
    loaded.
    """
    with own_context(app):
        entry = _entry_row(**entry_fields)
        for position in range(works):
            _work_row(
                entry,
                state=state,
                title=titles[position] if titles else None,
                phash=phashes[position] if phashes else None,
                has_alpha=has_alpha,
                widths=widths,
            )
        db.session.flush()
        if files:
            for work in entry.works:
                store_files(work)
        return committed(entry, "works")


def make_work(
    *,
    entry: Entry | int | None = None,
    state: WorkState | WorkStatus | str = WorkState.NEW,
    title: str | None = None,
    file_token: str | None = None,
    master_ext: str = "png",
    widths: tuple[int, ...] = (320, 640),
    size: tuple[int, int] = (1200, 900),
    has_alpha: bool = False,
    phash: str | None = None,
    files: bool = False,
    app: Flask | None = None,
    **entry_fields,
) -> Work:
    """Create one work in ``state`` as rows, in ``entry`` or in a new entry of its own.

    The new entry takes ``entry_fields`` (see ``make_entry``: credit, consents, licence …).
    ``files`` also stores the master and a WebP preview per width of ``widths``.
    Returns the work, ``work.entry`` loaded.
    """
    if entry is not None and entry_fields:
        raise TypeError(f"the entry exists already: {sorted(entry_fields)} would be ignored")
    with own_context(app):
        row = _entry_row(**entry_fields) if entry is None else db.session.get(Entry, id_of(entry))
        work = _work_row(
            row,
            state=state,
            title=title,
            file_token=file_token,
            master_ext=master_ext,
            widths=widths,
            size=size,
            has_alpha=has_alpha,
            phash=phash,
        )
        db.session.flush()
        if files:
            store_files(work)
        return committed(work, "entry")


def make_works(*, count: int, app: Flask | None = None, **fields) -> list[Work]:
    """Create ``count`` works as rows, each in an entry of its own; ``fields`` as ``make_work``."""
    with own_context(app):
        works = [make_work(**fields) for _ in range(count)]
        # Each commit expired the works made before it: load them all again.
        return [loaded(work, "entry") for work in works]


def store_work(
    *,
    image: bytes | None = None,
    title: str | None = None,
    state: WorkState | WorkStatus | str = WorkState.NEW,
    credit: str = "Ann Artist",
    credit_url: str = "",
    licence: Licence = Licence.CAMPAIGN,
    consent_publish: bool = True,
    consent_print: bool = True,
    consent_social: bool = False,
    contact: str = "",
    wants_contact: bool = False,
    note: str = "",
    claim_token: str | None = None,
    app: Flask | None = None,
) -> Work:
    """Submit ``image`` as a one-work entry through the real intake and ``create_entry``.

    Every file the intake makes is stored (master, previews, print source for big images)
    and curation hears of the new work (look-alikes flagged, shuffles placed), as for an
    artist's upload; the work is then put in ``state``. The default image is a small PNG
    in a colour of its own. With ``claim_token`` the entry's claim link takes that token (the
    real one is random and shown only once). Returns the work, ``work.entry`` loaded.
    """
    with own_context(app):
        stored = store_upload(image if image is not None else _own_png())
        entry, _token = create_entry(
            credit=Credit(
                credit, credit_url, consent_publish, consent_print, consent_social, licence
            ),
            contact=contact,
            wants_contact=wants_contact,
            note=note,
            images=[(stored, title if title is not None else f"Work {next_number()}")],
        )
        if claim_token is not None:
            entry.claim_hash = hash_claim_token(claim_token)
        work = set_state(entry.works[0], state)
        return committed(work, "entry")


def _own_png() -> bytes:
    """Return a 400 × 300 PNG whose colour differs from the last few hundred made."""
    number = next_number()
    return image_bytes("PNG", colour=(number * 37 % 256, number * 101 % 256, number * 199 % 256))


def store_files(work: Work) -> None:
    """Write ``work``'s master and its WebP previews to the file store."""
    storage = get_storage()
    storage.write(work.master_key, MASTER_BYTES)
    for width in work.widths:
        storage.write(work.derivative_key(width), webp_bytes(width, width * 3 // 4))


def _entry_row(
    *,
    credit: str = "Ann Artist",
    credit_url: str = "",
    licence: Licence = Licence.CAMPAIGN,
    consent_publish: bool = True,
    consent_print: bool = True,
    consent_social: bool = False,
    contact: str = "",
    wants_contact: bool = False,
    note: str = "",
    claim_token: str | None = None,
) -> Entry:
    """Add an entry row to the session (no works yet)."""
    number = next_number()
    entry = Entry(
        credit=credit,
        credit_url=credit_url,
        licence=licence,
        consent_publish=consent_publish,
        consent_print=consent_print,
        consent_social=consent_social,
        contact=contact,
        wants_contact=wants_contact,
        note=note,
        claim_hash=hash_claim_token(claim_token) if claim_token else f"{number:064x}",
    )
    db.session.add(entry)
    return entry


def _work_row(
    entry: Entry,
    *,
    state: WorkState | WorkStatus | str,
    title: str | None,
    phash: str | None,
    has_alpha: bool,
    widths: tuple[int, ...],
    file_token: str | None = None,
    master_ext: str = "png",
    size: tuple[int, int] = (1200, 900),
) -> Work:
    """Append a work row to ``entry``, with unique token, content hash and perceptual hash."""
    number = next_number()
    work = Work(
        position=len(entry.works),
        title=f"Work {number}" if title is None else title,
        file_token=file_token or f"tok{number:08d}",
        master_ext=master_ext,
        derivative_widths=",".join(str(w) for w in widths),
        width=size[0],
        height=size[1],
        has_alpha=has_alpha,
        content_sha256=f"{number:064x}",
        # Hashes of a counter look random: about 32 of 64 bits apart, never near-duplicates.
        phash=phash or hashlib.sha256(str(number).encode()).hexdigest()[:16],
    )
    entry.works.append(set_state(work, state))
    return work
