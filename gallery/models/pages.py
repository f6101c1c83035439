"""Editable public pages: one text per page slug and language (e.g. the call for works)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gallery.extensions import db
from gallery.models.base import table_args, utcnow


class Page(db.Model):
    """An admin-written text shown on a public page in one language."""

    __tablename__ = "pages"
    __table_args__ = table_args(
        # One text per page and language; the database keeps it that way.
        UniqueConstraint("slug", "language", name="uq_pages_slug_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200), default="")
    # Plain text: paragraphs separated by blank lines; rendered escaped, never as HTML.
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def is_empty(self) -> bool:
        """Tell whether the admin left this text blank (the built-in default shows instead)."""
        return not self.body.strip()
