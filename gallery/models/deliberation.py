"""Deliberation records: curators' comments on works and their declared conflicts of interest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gallery.extensions import db
from gallery.models.accounts import User
from gallery.models.base import table_args, utcnow
from gallery.models.submissions import Work


class Comment(db.Model):
    """One staff comment on one work: a short thread on the curators' work page, never public.

    Deleted with the work by the database (``ON DELETE CASCADE``), like votes.
    """

    __tablename__ = "comments"
    __table_args__ = table_args(Index("ix_comments_work", "work_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    # Empty once the author's account is deleted: the thread keeps what was said.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the author edits the comment, so readers see it changed.
    edited_at: Mapped[datetime | None] = mapped_column(default=None)

    author: Mapped[User | None] = relationship()
    work: Mapped[Work] = relationship()


class Conflict(db.Model):
    """A curator's declared conflict of interest with an entry (every work of it).

    While it stands the curator neither votes on nor compares the entry's works, and is never
    handed them; their earlier votes and answers on them are removed when it is declared.
    """

    __tablename__ = "conflicts"
    __table_args__ = table_args(
        # One declaration per curator and entry, whatever two clicks arrive at once.
        UniqueConstraint("user_id", "entry_id", name="uq_conflicts_user_entry"),
        Index("ix_conflicts_entry", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
