"""The deletion ledger: which entries and works were deleted, so restores can forget them too.

A row holds ids and a time, nothing an artist typed or uploaded: it proves nothing about the
artist, yet lets a restore of an older backup delete again what was deleted after it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from gallery.extensions import db
from gallery.models.base import enum_type, table_args, utcnow


class DeletionReason(enum.StrEnum):
    """Who or what deleted the work."""

    ARTIST = "artist"
    MODERATION = "moderation"
    DUPLICATE = "duplicate"
    RETENTION = "retention"
    MISSING_FILES = "missing-files"
    RESTORE = "restore"


class Deletion(db.Model):
    """One deleted work (and the entry it belonged to)."""

    __tablename__ = "deletions"
    __table_args__ = table_args(Index("ix_deletions_time", "deleted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # Plain numbers, not foreign keys: the rows they named are gone.
    work_id: Mapped[int] = mapped_column(index=True)
    entry_id: Mapped[int]
    # The whole entry went with this work (its last one).
    entry_deleted: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[DeletionReason] = mapped_column(enum_type(DeletionReason))
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)
