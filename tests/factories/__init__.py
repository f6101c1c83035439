"""Factories shared by every test package: the one place tests make entries, works, staff,
votes, decisions, comparisons, comments, conflicts, exports and packs.

- ``make_*`` writes rows directly (files only when asked): fast, and free to build states
  the product would refuse. ``store_*`` goes through the real operation (the intake and
  ``create_entry``, ``publish_pack``) when the files or side effects it makes matter.
- Every argument is a keyword with a sensible default: a test names only what it relies on.
- Each factory commits, so the test's client sees what it made. It runs in the test's app
  context; a test that holds none (its client makes requests) passes ``app=app`` and gets
  the row back detached, its columns as committed.
- Rows may be passed as rows or as ids (``make_vote(user=me.id, work=work)``).
"""

from tests.factories.accounts import STAFF_PASSWORD, Staff, make_staff, make_user
from tests.factories.curation import (
    make_comment,
    make_comparison,
    make_conflict,
    make_decision,
    make_vote,
)
from tests.factories.files import image_bytes, pdf_bytes, series_png, webp_bytes
from tests.factories.packs import make_pack, store_pack
from tests.factories.printing import make_export
from tests.factories.submissions import (
    MASTER_BYTES,
    make_entry,
    make_work,
    make_works,
    set_state,
    store_files,
    store_work,
)

__all__ = [
    "MASTER_BYTES",
    "STAFF_PASSWORD",
    "Staff",
    "image_bytes",
    "make_comment",
    "make_comparison",
    "make_conflict",
    "make_decision",
    "make_entry",
    "make_export",
    "make_pack",
    "make_staff",
    "make_user",
    "make_vote",
    "make_work",
    "make_works",
    "pdf_bytes",
    "series_png",
    "set_state",
    "store_files",
    "store_pack",
    "store_work",
    "webp_bytes",
]
