"""Print exports: one requested sticker-sheet PDF, its choices, its job state and its file."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gallery.extensions import db
from gallery.models.accounts import User
from gallery.models.base import enum_type, table_args, utcnow


class ExportKind(enum.StrEnum):
    """What an export's PDF holds."""

    SHEETS = "sheets"  # sticker sheets on a layout, with a credits page
    SINGLES = "singles"  # die-cut singles, one sticker per page, and a separate credits file


class ExportState(enum.StrEnum):
    """Where the background job of an export stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    # Its PDF was destroyed because a work in it was deleted; only the record is left.
    REMOVED = "removed"


ACTIVE_STATES = (ExportState.QUEUED, ExportState.RUNNING)


class Export(db.Model):
    """A print-ready PDF requested by a printer (or the command line), kept for re-download.

    Public sticker packs reference an export by ``id`` and serve its ``pdf_key``.
    """

    __tablename__ = "exports"
    __table_args__ = table_args(Index("ix_exports_state", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Empty for exports made at the terminal, or by an account deleted since.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[ExportKind] = mapped_column(
        enum_type(ExportKind), default=ExportKind.SHEETS, server_default="sheets"
    )
    layout_id: Mapped[str] = mapped_column(String(100))
    # Kept as it was at export time: the layout file may be renamed or removed later.
    layout_name: Mapped[str] = mapped_column(String(200))
    # JSON of ExportOptions.to_mapping().
    options: Mapped[str] = mapped_column(Text)
    fill: Mapped[bool] = mapped_column(default=False)
    # Language of the credits page heading and the "Anonymous" label.
    language: Mapped[str] = mapped_column(String(10), default="en")
    state: Mapped[ExportState] = mapped_column(enum_type(ExportState), default=ExportState.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    sheets: Mapped[int] = mapped_column(default=0)
    pdf_key: Mapped[str | None] = mapped_column(String(80), default=None)
    pdf_size: Mapped[int | None] = mapped_column(default=None)
    # Singles: the separate PDF naming every artist of the order (a file of the same works).
    credits_key: Mapped[str | None] = mapped_column(String(80), default=None)
    credits_size: Mapped[int | None] = mapped_column(default=None)
    # What the credits file says (works, titles, credits, words, colour): an identical order
    # made again hands out a copy of this file instead of setting the same text again.
    credits_digest: Mapped[str | None] = mapped_column(String(64), default=None)
    # JSON {"pdf": [check, …], "credits": [check, …]}: the preflight run before it was offered.
    preflight: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    error: Mapped[str] = mapped_column(Text, default="")
    # JSON list of {"work_id", "title", "dpi"}: works printed below the minimum resolution.
    warnings: Mapped[str] = mapped_column(Text, default="[]")
    # Which process runs the job and when it last reported: finds jobs a crash left behind.
    worker: Mapped[str] = mapped_column(String(100), default="")
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)

    created_by: Mapped[User | None] = relationship()
    # The works in the order the stickers go on the sheets.
    items: Mapped[list[ExportItem]] = relationship(
        order_by="ExportItem.position", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def option_values(self) -> dict[str, Any]:
        """Return the stored export options as a plain mapping."""
        return json.loads(self.options or "{}")

    @property
    def item_list(self) -> list[tuple[int, int]]:
        """Return the (work_id, copies) pairs in sheet order."""
        return [(item.work_id, item.copies) for item in self.items]

    def set_items(self, pairs) -> None:
        """Replace the items with ``pairs`` of (work_id, copies), in sheet order."""
        self.items = [
            ExportItem(position=position, work_id=work_id, copies=copies)
            for position, (work_id, copies) in enumerate(pairs)
        ]

    @property
    def warning_list(self) -> list[dict[str, Any]]:
        """Return the stored low-resolution warnings."""
        return json.loads(self.warnings or "[]")

    @property
    def preflight_results(self) -> dict[str, list[dict[str, Any]]]:
        """Return the stored preflight results by file ("pdf", "credits")."""
        return json.loads(self.preflight or "{}")

    @property
    def stored_keys(self) -> list[str]:
        """Return the keys of every file this export stored (its PDF, its credits file)."""
        return [key for key in (self.pdf_key, self.credits_key) if key]

    @property
    def is_active(self) -> bool:
        """Tell whether the job is still waiting or running."""
        return self.state in ACTIVE_STATES

    def __repr__(self) -> str:
        """Show id and state only."""
        return f"<Export {self.id} {self.state.value}>"


class ExportItem(db.Model):
    """One work of an export and how many copies of it: a foreign key, never a bare number.

    The database refuses to delete a work an export still holds, so deleting a work has to go
    through the lifecycle code that destroys those exports' PDFs first.
    """

    __tablename__ = "export_items"
    __table_args__ = (
        CheckConstraint("copies >= 1", name="ck_export_items_copies"),
        Index("ix_export_items_work", "work_id"),
    )

    export_id: Mapped[int] = mapped_column(
        ForeignKey("exports.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="RESTRICT"))
    copies: Mapped[int]
