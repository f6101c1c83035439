"""Factories for the curation tests: works as rows (with tiny files), staff rows and votes."""

from __future__ import annotations

import io
import itertools
import re

from PIL import Image

from gallery.extensions import db
from gallery.models import Entry, Licence, Role, User, Vote, Work, WorkState, WorkStatus
from gallery.storage.files import get_storage
from tests.factories import set_state

_numbers = itertools.count(1)


def webp_bytes(width: int = 320, height: int = 240) -> bytes:
    """Return a small WebP image."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 40)).save(buffer, "WEBP")
    return buffer.getvalue()


def add_entry(
    works: int = 1,
    *,
    credit: str = "Ann Artist",
    note: str = "",
    consent_publish: bool = True,
    consent_print: bool = True,
    phashes: list[str] | None = None,
    has_alpha: bool = False,
    status: WorkState | WorkStatus = WorkState.NEW,
    files: bool = False,
) -> list[Work]:
    """Create an entry with ``works`` works as rows; ``files`` also writes their derivatives."""
    number = next(_numbers)
    entry = Entry(
        credit=credit,
        note=note,
        consent_publish=consent_publish,
        consent_print=consent_print,
        licence=Licence.CAMPAIGN,
        claim_hash=f"{number:064x}",
    )
    for position in range(works):
        token = f"tok{number}x{position}"
        # Far-apart default hashes: nothing is a near-duplicate unless a test says so.
        default_hash = f"{(number * 7919 + position * 104729) * 0x9E3779B97F4A7C15 % 2**64:016x}"
        entry.works.append(
            set_state(
                Work(
                    position=position,
                    title=f"Work {number}.{position}",
                    file_token=token,
                    master_ext="png",
                    derivative_widths="320,640",
                    width=1200,
                    height=900,
                    has_alpha=has_alpha,
                    content_sha256=f"{number:032x}{position:032x}",
                    phash=(phashes or [])[position] if phashes else default_hash,
                ),
                status,
            )
        )
    db.session.add(entry)
    db.session.flush()
    if files:
        storage = get_storage()
        for work in entry.works:
            storage.write(work.master_key, b"master")
            for width in work.widths:
                storage.write(work.derivative_key(width), webp_bytes(width, width * 3 // 4))
    db.session.commit()
    return list(entry.works)


def add_user(*roles: str, decider: bool = False) -> User:
    """Create a staff row directly (domain tests need no password)."""
    number = next(_numbers)
    user = User(
        login=f"user{number}",
        password_hash="not-a-hash",
        roles=",".join(roles or (Role.CURATOR.value,)),
        decider=decider,
    )
    db.session.add(user)
    db.session.commit()
    return user


def add_vote(user_id: int, work_id: int, score: int) -> None:
    """Store a vote row directly."""
    db.session.add(Vote(user_id=user_id, work_id=work_id, score=score))
    db.session.commit()


def csrf(client, path: str) -> str:
    """Return the CSRF token of the page at ``path``."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', html)
    assert match, f"no form on {path}"
    return match.group(1)


def post(client, page: str, action: str, data: dict | None = None, **kwargs):
    """POST ``data`` to ``action`` with a CSRF token taken from ``page``."""
    return client.post(action, data={"csrf_token": csrf(client, page), **(data or {})}, **kwargs)


def grid_ids(html: str) -> list[int]:
    """Return the work ids of the grid's cards, in page order."""
    return [
        int(i) for i in re.findall(r'<li class="card[^"]*">\s*<a href="/curate/works/(\d+)', html)
    ]
