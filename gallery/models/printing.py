"""Print exports: one requested sticker-sheet PDF, its choices, its job state and its file."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gallery.extensions import db
from gallery.models.accounts import User
from gallery.models.submissions import utcnow


class ExportState(enum.StrEnum):
    """Where the background job of an export stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE_STATES = (ExportState.QUEUED, ExportState.RUNNING)


class Export(db.Model):
    """A print-ready PDF requested by a printer (or the command line), kept for re-download.

    Public sticker packs reference an export by ``id`` and serve its ``pdf_key``.
    """

    __tablename__ = "exports"
    __table_args__ = (Index("ix_exports_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Empty for exports made at the terminal, or by an account deleted since.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    layout_id: Mapped[str] = mapped_column(String(100))
    # Kept as it was at export time: the layout file may be renamed or removed later.
    layout_name: Mapped[str] = mapped_column(String(200))
    # JSON of ExportOptions.to_mapping().
    options: Mapped[str] = mapped_column(Text)
    # JSON [[work_id, copies], …] in the order the stickers go on the sheets.
    items: Mapped[str] = mapped_column(Text)
    fill: Mapped[bool] = mapped_column(default=False)
    # Language of the credits page heading and the "Anonymous" label.
    language: Mapped[str] = mapped_column(String(10), default="en")
    state: Mapped[ExportState] = mapped_column(
        db.Enum(
            ExportState,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ExportState.QUEUED,
    )
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    sheets: Mapped[int] = mapped_column(default=0)
    pdf_key: Mapped[str | None] = mapped_column(String(80), default=None)
    pdf_size: Mapped[int | None] = mapped_column(default=None)
    error: Mapped[str] = mapped_column(Text, default="")
    # JSON list of {"work_id", "title", "dpi"}: works printed below the minimum resolution.
    warnings: Mapped[str] = mapped_column(Text, default="[]")
    # Which process runs the job and when it last reported: finds jobs a crash left behind.
    worker: Mapped[str] = mapped_column(String(100), default="")
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)

    created_by: Mapped[User | None] = relationship()

    @property
    def option_values(self) -> dict[str, Any]:
        """Return the stored export options as a plain mapping."""
        return json.loads(self.options or "{}")

    @property
    def item_list(self) -> list[tuple[int, int]]:
        """Return the stored (work_id, copies) pairs."""
        return [(int(w), int(c)) for w, c in json.loads(self.items or "[]")]

    @property
    def warning_list(self) -> list[dict[str, Any]]:
        """Return the stored low-resolution warnings."""
        return json.loads(self.warnings or "[]")

    @property
    def is_active(self) -> bool:
        """Tell whether the job is still waiting or running."""
        return self.state in ACTIVE_STATES

    def __repr__(self) -> str:
        """Show id and state only."""
        return f"<Export {self.id} {self.state.value}>"
