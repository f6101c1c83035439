"""Column helpers shared by every model: times, enums stored as text, ids that never repeat."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from gallery.extensions import db

# SQLite hands the id of a deleted last row to the next insert unless a table says
# AUTOINCREMENT. Ids leave the database (URLs, logs, export items, release marks, backups,
# the deletion ledger), so a reused id would let an old reference point at a stranger's work.
# PostgreSQL sequences never go back, so the option only matters to SQLite.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    """Return the current time in UTC (stored naive-free)."""
    return datetime.now(UTC)


def enum_type(kind: type[enum.Enum]) -> db.Enum:
    """Store an enum by value as portable text (no native enum types to migrate)."""
    return db.Enum(
        kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


def table_args(*items: Any) -> tuple:
    """Return ``__table_args__`` for a table with an integer id: ``items`` plus no id reuse."""
    return (*items, NEVER_REUSE_IDS)
