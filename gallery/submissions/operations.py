"""Domain operations on entries. They flush; the request (or command) commits once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from gallery.curation.hooks import works_created
from gallery.extensions import db
from gallery.lifecycle.deletion import delete_entry as lifecycle_delete_entry
from gallery.models import DeletionReason, Entry, Licence, Work, WorkStatus
from gallery.refusals import Refused
from gallery.storage.files import keep_with_transaction
from gallery.submissions.images import StoredImage


@dataclass(frozen=True)
class Credit:
    """What the artist tells us about how to be credited and what we may do."""

    credit: str
    credit_url: str
    consent_publish: bool
    consent_print: bool
    consent_social: bool
    licence: Licence


def hash_claim_token(token: str) -> str:
    """Return the stored form of a claim token (only the hash is kept)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ImageAlreadySent(Refused):
    """An image of the form already belongs to a work: the form was sent before."""

    status = 409

    def __init__(self) -> None:
        """Explain it to the artist (Back and send again, or a replayed request)."""
        super().__init__(
            _l(
                "This form was already sent: its images are in the entry you sent before, and"
                " that entry's private link shows them. Nothing was stored twice. To send other"
                " images, open the form again."
            )
        )


def images_already_sent(images: Sequence[StoredImage]) -> set[str]:
    """Return the file tokens of ``images`` that a stored work already owns."""
    tokens = [image.file_token for image in images]
    if not tokens:
        return set()
    return set(db.session.scalars(select(Work.file_token).where(Work.file_token.in_(tokens))))


def create_entry(
    *,
    credit: Credit,
    contact: str,
    wants_contact: bool,
    note: str,
    images: Sequence[tuple[StoredImage, str]],
) -> tuple[Entry, str]:
    """Create an entry with its works; return it and the claim token (shown once, never stored).

    Raises ``ImageAlreadySent`` when an image is already a work (a form sent twice).
    """
    if not 1 <= len(images) <= 10:
        raise ValueError("an entry holds 1 to 10 images")
    # Only files this request wrote follow its transaction: a kept image's files were written
    # by an earlier request and may belong to a committed work if the form is sent again.
    for image, _title in images:
        if image.written_now:
            for key in image.file_keys():
                keep_with_transaction(key)
    if images_already_sent([image for image, _title in images]):
        raise ImageAlreadySent
    token = secrets.token_urlsafe(32)
    wanted = wants_contact and bool(contact)
    entry = Entry(
        credit=credit.credit,
        credit_url=credit.credit_url,
        consent_publish=credit.consent_publish,
        consent_print=credit.consent_print,
        consent_social=credit.consent_social,
        licence=credit.licence,
        # A contact is kept only when the artist asked to be contacted: otherwise it is just
        # what a seized server should not hold.
        contact=contact if wanted else "",
        wants_contact=wanted,
        note=note,
        claim_hash=hash_claim_token(token),
    )
    for position, (image, title) in enumerate(images):
        entry.works.append(work_from_image(image, title=title, position=position))
    db.session.add(entry)
    db.session.flush()
    works_created(entry.works)
    return entry, token


def work_from_image(image: StoredImage, *, title: str, position: int = 0) -> Work:
    """Return a new work row for a stored image, carrying what the intake measured."""
    return Work(
        position=position,
        title=title,
        file_token=image.file_token,
        master_ext=image.master_ext,
        derivative_widths=",".join(str(w) for w in image.widths),
        width=image.width,
        height=image.height,
        has_alpha=image.has_alpha,
        content_sha256=image.content_sha256,
        phash=image.phash,
        print_factor=image.print_factor,
        vector_ext=image.vector_ext,
    )


def find_entry_by_claim(token: str) -> Entry | None:
    """Return the entry whose claim token is ``token``, if any."""
    if not token or len(token) > 100:
        return None
    digest = hash_claim_token(token)
    entry = db.session.scalar(select(Entry).where(Entry.claim_hash == digest))
    if entry is None or not hmac.compare_digest(entry.claim_hash, digest):
        return None
    return entry


def update_credit(entry: Entry, *, credit: Credit, titles: Sequence[str]) -> None:
    """Apply the artist's changes to credit, link, consents, licence and titles."""
    entry.credit = credit.credit
    entry.credit_url = credit.credit_url
    entry.consent_publish = credit.consent_publish
    entry.consent_print = credit.consent_print
    entry.consent_social = credit.consent_social
    entry.licence = credit.licence
    for work, title in zip(entry.works, titles, strict=False):
        work.title = title
    db.session.flush()


def withdraw_entry(entry: Entry) -> None:
    """Take every work of the entry out of curation, publication and print, for good."""
    for work in entry.works:
        work.status = WorkStatus.WITHDRAWN
        work.published = work.selected = False
    db.session.flush()


def delete_entry(entry: Entry) -> None:
    """Delete the entry at the artist's request, with everything ever made from its works."""
    lifecycle_delete_entry(entry, reason=DeletionReason.ARTIST)
