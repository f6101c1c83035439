"""Entries (one artist's submission) and works (one image each)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gallery.extensions import db
from gallery.models.base import NEVER_REUSE_IDS, enum_type, table_args, utcnow
from gallery.storage import keys as filekeys

__all__ = ["Entry", "Licence", "Work", "WorkState", "WorkStatus", "utcnow"]


class Licence(enum.StrEnum):
    """How the campaign may use a work beyond the consents asked separately."""

    CAMPAIGN = "campaign"
    CC_BY = "cc-by-4.0"
    CC_BY_NC = "cc-by-nc-4.0"
    CC_BY_SA = "cc-by-sa-4.0"
    CC0 = "cc0-1.0"


class WorkStatus(enum.StrEnum):
    """Where a work stands in curation.

    An accepted work is published on the site, selected for print, or both: those are two
    separate decisions, kept as the flags ``Work.published`` and ``Work.selected``.
    """

    NEW = "new"
    SHORTLISTED = "shortlisted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class WorkState(enum.StrEnum):
    """A work's stage and decisions as one value, for labels, filters and listings."""

    NEW = "new"
    SHORTLISTED = "shortlisted"
    PUBLISHED = "published"
    SELECTED = "selected"
    PUBLISHED_SELECTED = "published+selected"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @classmethod
    def of(cls, status: WorkStatus, *, published: bool, selected: bool) -> WorkState:
        """Combine a stage and the two decisions into one state."""
        if published and selected:
            return cls.PUBLISHED_SELECTED
        if published:
            return cls.PUBLISHED
        if selected:
            return cls.SELECTED
        # An accepted work always carries a decision (the database checks it).
        return cls(WorkStatus(status).value)

    def columns(self) -> tuple[WorkStatus, bool, bool]:
        """Return the (status, published, selected) columns that make up this state."""
        published = self in (WorkState.PUBLISHED, WorkState.PUBLISHED_SELECTED)
        selected = self in (WorkState.SELECTED, WorkState.PUBLISHED_SELECTED)
        if published or selected:
            return WorkStatus.ACCEPTED, published, selected
        return WorkStatus(self.value), False, False


class Entry(db.Model):
    """One artist's submission: credit, consents and licence shared by its works."""

    __tablename__ = "entries"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Empty credit means the artist asked to stay anonymous.
    credit: Mapped[str] = mapped_column(String(120), default="")
    credit_url: Mapped[str] = mapped_column(String(500), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    wants_contact: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    consent_publish: Mapped[bool] = mapped_column(default=False)
    consent_print: Mapped[bool] = mapped_column(default=False)
    consent_social: Mapped[bool] = mapped_column(default=False)
    licence: Mapped[Licence] = mapped_column(enum_type(Licence))
    # sha256 of the claim token; the token itself is shown once and never stored.
    claim_hash: Mapped[str] = mapped_column(String(64), unique=True)

    works: Mapped[list[Work]] = relationship(
        back_populates="entry", order_by="Work.position", cascade="all, delete-orphan"
    )

    @property
    def is_anonymous(self) -> bool:
        """Tell whether the artist chose not to be named."""
        return not self.credit


class Work(db.Model):
    """One image of an entry, with what the intake measured about it."""

    __tablename__ = "works"
    __table_args__ = table_args(
        Index("ix_works_status_created", "status", "created_at"),
        Index("ix_works_content_sha256", "content_sha256"),
        CheckConstraint("print_factor >= 1", name="ck_works_print_factor"),
        # Accepted means published, selected for print, or both; nothing else carries either.
        CheckConstraint(
            "(status = 'accepted') = (published OR selected)", name="ck_works_accepted"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[WorkStatus] = mapped_column(enum_type(WorkStatus), default=WorkStatus.NEW)
    # The two decisions of an accepted work: shown on the public site, printed as a sticker.
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    selected: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Random file token: the master is files/<token>.<ext>, derivatives files/<token>-w<N>.webp.
    file_token: Mapped[str] = mapped_column(String(40), unique=True)
    master_ext: Mapped[str] = mapped_column(String(4))
    derivative_widths: Mapped[str] = mapped_column(String(40))
    # >1: files/<token>-print.<ext> holds the master reduced by this factor, for exports.
    print_factor: Mapped[int] = mapped_column(default=1, server_default="1")
    # "svg" or "pdf" for a drawing: files/<token>-vector.<ext> is its cleaned source, which
    # exports render at the exact printed size; empty for pixel images.
    vector_ext: Mapped[str] = mapped_column(String(4), default="", server_default="")
    width: Mapped[int]
    height: Mapped[int]
    has_alpha: Mapped[bool] = mapped_column(default=False)
    content_sha256: Mapped[str] = mapped_column(String(64))
    # 64-bit perceptual hash as 16 hex digits (portable across SQLite and PostgreSQL).
    phash: Mapped[str] = mapped_column(String(16))

    entry: Mapped[Entry] = relationship(back_populates="works")

    @property
    def state(self) -> WorkState:
        """Return the stage and decisions as one value (``published+selected`` and so on)."""
        return WorkState.of(self.status, published=self.published, selected=self.selected)

    @property
    def master_key(self) -> str:
        """Return the storage key of the normalised master."""
        return filekeys.master_key(self.file_token, self.master_ext)

    @property
    def widths(self) -> list[int]:
        """Return the widths of the stored WebP derivatives, smallest first."""
        return [int(w) for w in self.derivative_widths.split(",") if w]

    def derivative_key(self, width: int) -> str:
        """Return the storage key of the WebP derivative of ``width`` pixels."""
        return filekeys.derivative_key(self.file_token, width)

    @property
    def print_source_key(self) -> str | None:
        """Return the key of the reduced print source, or None when exports read the master."""
        if self.print_factor < 2:
            return None
        return filekeys.print_source_key(self.file_token, self.master_ext)

    @property
    def is_vector(self) -> bool:
        """Tell whether the work is a drawing that prints sharp at any size."""
        return bool(self.vector_ext)

    @property
    def vector_key(self) -> str | None:
        """Return the key of the cleaned vector source, or None for a pixel image."""
        return filekeys.vector_key(self.file_token, self.vector_ext) if self.vector_ext else None

    def file_keys(self) -> list[str]:
        """Return every storage key that belongs to this work."""
        return filekeys.file_keys(
            self.file_token, self.master_ext, self.widths, self.print_factor, self.vector_ext
        )
