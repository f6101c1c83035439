"""From uploaded bytes to stored files: run the intake, write master and derivatives.

Images that pass are written at once under random names. If the rest of the form is refused,
the artist gets them back as signed "kept" tokens so nothing has to be uploaded twice; files
that never become part of an entry are removed by ``storage sweep`` after a grace period.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field, replace

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from PIL import Image

from gallery.extensions import db
from gallery.intake import IntakeError, Limits, ProcessedImage, process_image
from gallery.intake.encode import PRINT_SOURCE_SIDE, encode_print_source
from gallery.models import Work
from gallery.storage import keys as filekeys
from gallery.storage.files import get_storage, stage
from gallery.storage.store import new_token

_PENDING_SALT = "pending-upload"


@dataclass(frozen=True)
class StoredImage:
    """An image that passed the intake and whose files are written."""

    file_token: str
    master_ext: str
    widths: tuple[int, ...]
    width: int
    height: int
    has_alpha: bool
    content_sha256: str
    phash: str
    print_factor: int = 1  # kept tokens signed before print sources existed lack it
    vector_ext: str = ""  # "svg" or "pdf": a drawing, its cleaned source stored beside
    # True only in the request that wrote the files: that request's rollback may delete them.
    # Never signed into a kept token, so an image brought back from an earlier request (or
    # replayed after it became a work) can never take another entry's files down with it.
    written_now: bool = field(default=False, compare=False)

    @property
    def master_key(self) -> str:
        """Return the storage key of the master."""
        return filekeys.master_key(self.file_token, self.master_ext)

    def derivative_key(self, width: int) -> str:
        """Return the storage key of one WebP derivative."""
        return filekeys.derivative_key(self.file_token, width)

    def file_keys(self) -> list[str]:
        """Return every key written for this image."""
        return filekeys.file_keys(
            self.file_token, self.master_ext, self.widths, self.print_factor, self.vector_ext
        )


def intake_limits() -> Limits:
    """Return the operator's intake limits."""
    cfg = current_app.config
    return Limits(
        max_pixels=cfg["MAX_IMAGE_PIXELS"],
        min_side=cfg["MIN_IMAGE_SIDE"],
        max_bytes=cfg["MAX_IMAGE_BYTES"],
    )


def store_upload(data: bytes) -> StoredImage:
    """Run ``data`` through the intake and write its files; raise ``IntakeError`` if refused."""
    processed = process_image(data, limits=intake_limits())
    return _write(processed)


def _write(processed: ProcessedImage) -> StoredImage:
    """Write master and derivatives under a fresh random token."""
    storage = get_storage()
    stored = StoredImage(
        file_token=new_token(),
        master_ext=processed.master_ext,
        widths=tuple(sorted(processed.derivatives)),
        width=processed.width,
        height=processed.height,
        has_alpha=processed.has_alpha,
        content_sha256=processed.content_sha256,
        phash=f"{processed.phash:016x}",
        print_factor=processed.print_factor,
        vector_ext=processed.vector_ext,
        written_now=True,
    )
    token = stored.file_token
    files = {filekeys.master_key(token, stored.master_ext): processed.master}
    files.update({filekeys.derivative_key(token, w): d for w, d in processed.derivatives.items()})
    if processed.print_source is not None:
        files[filekeys.print_source_key(token, stored.master_ext)] = processed.print_source
    if processed.vector_source is not None:
        files[filekeys.vector_key(token, processed.vector_ext)] = processed.vector_source
    written: list[str] = []
    try:
        for key, data in files.items():
            storage.write(key, data)
            written.append(key)
    except BaseException:
        for key in written:
            storage.delete(key)
        raise
    return stored


def add_print_source(work: Work) -> int | None:
    """Give a work stored before print sources existed its print source; return the factor.

    Returns None when the work needs none (small, or has one). The master is our own file, so
    it is opened directly; the new file is tied to the transaction like an upload's files.
    """
    if work.print_factor > 1 or work.is_vector or max(work.width, work.height) <= PRINT_SOURCE_SIDE:
        return None
    data = get_storage().read(work.master_key)
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        made = encode_print_source(image, image.format)
    if made is None:
        return None
    factor, encoded = made
    work.print_factor = factor
    stage(filekeys.print_source_key(work.file_token, work.master_ext), encoded)
    db.session.flush()
    return factor


def _pending_serializer() -> URLSafeTimedSerializer:
    """Return the signer for kept-image tokens."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_PENDING_SALT)


def pending_token(image: StoredImage) -> str:
    """Return a signed token that lets the same form bring this image back."""
    data = asdict(image)
    del data["written_now"]
    return _pending_serializer().dumps(data)


def load_pending(token: str) -> StoredImage | None:
    """Return the kept image behind ``token`` if the signature holds and its files still exist."""
    try:
        data = _pending_serializer().loads(
            token, max_age=current_app.config["PENDING_UPLOAD_SECONDS"]
        )
        image = replace(StoredImage(**data), widths=tuple(data["widths"]), written_now=False)
    except (BadSignature, TypeError, KeyError, ValueError):
        return None
    storage = get_storage()
    if not all(storage.exists(key) for key in image.file_keys()):
        return None
    return image


__all__ = ["IntakeError", "StoredImage", "load_pending", "pending_token", "store_upload"]
