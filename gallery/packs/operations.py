"""Sticker packs: publish a finished export for volunteers. Functions flush, never commit."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gallery.extensions import db
from gallery.lifecycle.policy import pack_blockers
from gallery.models import Export, ExportKind, ExportState, Pack, User
from gallery.models.base import utcnow
from gallery.refusals import Refused, join_ids
from gallery.storage import keys as filekeys
from gallery.storage.files import discard, get_storage, stage
from gallery.storage.store import new_token

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 1000
PREVIEW_TIMEOUT_SECONDS = 60
MM_PER_POINT = 25.4 / 72


def find_finished_export(export_id: int | None) -> Export | None:
    """Return the export if it finished with a PDF of sheets (only those can become packs:
    die-cut singles are for a print shop, not for volunteers' printers)."""
    if export_id is None:
        return None
    export = db.session.get(Export, export_id)
    if export is None or export.state != ExportState.DONE or not export.pdf_key:
        return None
    if export.kind is not ExportKind.SHEETS:
        return None
    return export if get_storage().exists(export.pdf_key) else None


def pack_for_export(export: Export) -> Pack | None:
    """Return the pack already made from ``export``, if any."""
    return db.session.scalar(select(Pack).where(Pack.export_id == export.id))


class PackRefused(Refused):
    """A pack that may not be public as it stands; ``work_ids`` name the works that stop it."""

    def __init__(self, work_ids: Iterable[int]) -> None:
        """Say which works keep the pack off the public site."""
        self.work_ids = sorted(work_ids)
        super().__init__(blocked_message(self.work_ids))


def blocked_message(work_ids: Iterable[int]):
    """Say which works keep a pack off the public site (lazy, in the reader's language)."""
    return _l(
        "This pack cannot be public: work %(ids)s is not published on the site, was "
        "withdrawn or deleted, or lost its artist's consent to publish or print. Make a new "
        "export without it.",
        ids=join_ids(work_ids),
    )


def blockers(packs: Iterable[Pack]) -> dict[int, list[int]]:
    """Return, per export id of ``packs``, the works that keep the pack off the public site."""
    return pack_blockers(pack.export for pack in packs)


def published_packs() -> list[Pack]:
    """Return the packs the public sees: published, and every work in them public and
    printable (the lifecycle's pack rule)."""
    query = select(Pack).where(Pack.published.is_(True)).options(selectinload(Pack.export))
    packs = list(db.session.scalars(query.order_by(Pack.published_at.desc(), Pack.id.desc())))
    blocked = blockers(packs)
    return [pack for pack in packs if pack.export_id not in blocked]


def hidden_packs() -> list[Pack]:
    """Return, for staff, the packs the public does not see: unpublished or blocked."""
    query = select(Pack).options(selectinload(Pack.export)).order_by(Pack.created_at.desc())
    packs = list(db.session.scalars(query))
    blocked = blockers(packs)
    return [pack for pack in packs if not pack.published or pack.export_id in blocked]


def find_public_pack(pack_id: int) -> Pack | None:
    """Return the pack if the public may see it (published, finished, not blocked), else None."""
    pack = db.session.get(Pack, pack_id)
    if pack is None or not pack.published or find_finished_export(pack.export_id) is None:
        return None
    if blockers([pack]):
        return None
    return pack


def public_packs() -> list[Pack]:
    """Return the packs whose page, preview and PDF the public may have right now, newest
    first: published, the pack rule met, the PDF there (``find_public_pack`` for each)."""
    return [pack for pack in published_packs() if find_public_pack(pack.id) is not None]


def download_name(pack_id: int) -> str:
    """Return the file name a pack's PDF is downloaded (and mirrored) under."""
    return f"sticker-pack-{int(pack_id)}.pdf"


def check_publishable(export: Export) -> None:
    """Raise ``PackRefused`` unless every work of ``export`` may be in a public pack."""
    blocked = pack_blockers([export]).get(export.id)
    if blocked:
        raise PackRefused(blocked)


def publish_pack(*, export: Export, title: str, description: str, by: User) -> Pack:
    """Make a pack of a finished export, render its first-sheet preview and publish it."""
    check_publishable(export)
    pdf = get_storage().read(export.pdf_key)
    pack = Pack(export=export, title=title, description=description)
    pack.page_width_mm, pack.page_height_mm = _page_size_mm(pdf)
    preview = render_preview(pdf)
    if preview is not None:
        pack.preview_key = filekeys.pack_preview_key(new_token())
        stage(pack.preview_key, preview)
    db.session.add(pack)
    set_published(pack, published=True, by=by)
    return pack


def set_published(pack: Pack, *, published: bool, by: User) -> None:
    """Show or hide the pack on the public site; showing it needs every work to allow it."""
    if published:
        if find_finished_export(pack.export.id) is None:
            raise Refused(_l("This pack has no finished PDF."), status=404)
        check_publishable(pack.export)
        pack.published_at = utcnow()
    pack.published = published
    db.session.flush()
    log.info("pack %s %s by user %s", pack.id, "published" if published else "hidden", by.id)


def delete_pack(pack: Pack, *, by: User) -> None:
    """Delete the pack and its preview (the export and its PDF stay with the printers)."""
    if pack.preview_key:
        discard(pack.preview_key)
    db.session.delete(pack)
    db.session.flush()
    log.info("pack %s deleted by user %s", pack.id, by.id)


def _page_size_mm(pdf: bytes) -> tuple[float | None, float | None]:
    """Return the width and height of the PDF's first page in mm (None if unreadable)."""
    # pikepdf loads when a pack is published, not with the pack pages and the feed.
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            box = document.pages[0].trimbox
            width = float(box[2]) - float(box[0])
            height = float(box[3]) - float(box[1])
    except (pikepdf.PdfError, IndexError, ValueError):
        log.warning("could not read the page size of a pack PDF", exc_info=True)
        return None, None
    return round(width * MM_PER_POINT, 1), round(height * MM_PER_POINT, 1)


def render_preview(pdf: bytes) -> bytes | None:
    """Render the first sheet to WebP with poppler's ``pdftoppm``; None if that is impossible.

    Rendering happens once, when publishing, so page views never run a PDF renderer.
    """
    tool = shutil.which("pdftoppm")
    if tool is None:
        log.warning("pdftoppm (poppler-utils) is not installed: pack published without preview")
        return None
    with tempfile.TemporaryDirectory(prefix="pack-preview-") as folder:
        source, target = Path(folder) / "pack.pdf", Path(folder) / "sheet"
        source.write_bytes(pdf)
        command = [tool, "-f", "1", "-l", "1", "-png", "-singlefile"]
        command += [
            "-scale-to-x",
            str(PREVIEW_WIDTH),
            "-scale-to-y",
            "-1",
            str(source),
            str(target),
        ]
        try:
            subprocess.run(  # noqa: S603 - fixed tool path and arguments, no shell
                command, check=True, capture_output=True, timeout=PREVIEW_TIMEOUT_SECONDS
            )
            with Image.open(target.with_suffix(".png")) as image:
                buffer = io.BytesIO()
                image.convert("RGB").save(buffer, "WEBP", quality=82, method=4)
        except (subprocess.SubprocessError, OSError):
            log.warning("could not render a pack preview", exc_info=True)
            return None
    return buffer.getvalue()
