"""Sticker packs: finished print exports published for volunteers to download and print."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gallery.extensions import db
from gallery.models.base import table_args, utcnow
from gallery.models.printing import Export


class Pack(db.Model):
    """A published sticker-sheet PDF with a title and description (language-neutral)."""

    __tablename__ = "packs"
    __table_args__ = table_args(Index("ix_packs_published", "published", "published_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # One pack per export; removing the export removes the pack (its PDF is gone then).
    export_id: Mapped[int] = mapped_column(
        ForeignKey("exports.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(200))
    # Plain text, rendered escaped as paragraphs.
    description: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    # WebP of the first sheet rendered once at publishing; None when no renderer was available.
    preview_key: Mapped[str | None] = mapped_column(String(80), default=None)
    # Page size measured from the PDF itself, so the pack says which paper it needs even if
    # the layout file changes later.
    page_width_mm: Mapped[float | None] = mapped_column(default=None)
    page_height_mm: Mapped[float | None] = mapped_column(default=None)

    export: Mapped[Export] = relationship()

    def __repr__(self) -> str:
        """Show id and state only."""
        return f"<Pack {self.id} {'published' if self.published else 'hidden'}>"
