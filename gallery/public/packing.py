"""Sticker packs: publish a finished export for volunteers. Functions flush, never commit."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pikepdf
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gallery.extensions import db
from gallery.files import discard, get_storage, stage
from gallery.models import Entry, Export, ExportState, Pack, User, Work, WorkStatus
from gallery.models.submissions import utcnow
from gallery.storage import new_token

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 1000
PREVIEW_TIMEOUT_SECONDS = 60
MM_PER_POINT = 25.4 / 72


def find_finished_export(export_id: int | None) -> Export | None:
    """Return the export if it finished with a PDF (only those can become packs)."""
    if export_id is None:
        return None
    export = db.session.get(Export, export_id)
    if export is None or export.state != ExportState.DONE or not export.pdf_key:
        return None
    return export if get_storage().exists(export.pdf_key) else None


def pack_for_export(export: Export) -> Pack | None:
    """Return the pack already made from ``export``, if any."""
    return db.session.scalar(select(Pack).where(Pack.export_id == export.id))


def unprintable_works(exports: Iterable[Export]) -> dict[int, list[int]]:
    """Return, per export id, the ids of its works that may no longer be printed.

    A work drops out when it is deleted or withdrawn or its artist revokes print consent;
    a pack holding it must stop being handed out at once, whatever path made the change.
    """
    wanted = {export.id: {w for w, _copies in export.item_list} for export in exports}
    every = set().union(*wanted.values()) if wanted else set()
    if not every:
        return {}
    query = (
        select(Work.id)
        .join(Entry)
        .where(
            Work.id.in_(every),
            Work.status != WorkStatus.WITHDRAWN,
            Entry.consent_print.is_(True),
        )
    )
    printable = set(db.session.scalars(query))
    return {eid: sorted(ids - printable) for eid, ids in wanted.items() if ids - printable}


def published_packs() -> list[Pack]:
    """Return the packs the public sees: published, and every work in them still printable."""
    query = select(Pack).where(Pack.published.is_(True)).options(selectinload(Pack.export))
    packs = list(db.session.scalars(query.order_by(Pack.published_at.desc(), Pack.id.desc())))
    blocked = unprintable_works(pack.export for pack in packs)
    return [pack for pack in packs if pack.export_id not in blocked]


def hidden_packs() -> list[Pack]:
    """Return, for staff, the packs the public does not see: unpublished or holding a work
    that may no longer be printed."""
    query = select(Pack).options(selectinload(Pack.export)).order_by(Pack.created_at.desc())
    packs = list(db.session.scalars(query))
    blocked = unprintable_works(pack.export for pack in packs)
    return [pack for pack in packs if not pack.published or pack.export_id in blocked]


def find_public_pack(pack_id: int) -> Pack | None:
    """Return the pack if it is published and its PDF is finished, else None."""
    pack = db.session.get(Pack, pack_id)
    if pack is None or not pack.published or find_finished_export(pack.export_id) is None:
        return None
    if unprintable_works([pack.export]):
        return None
    return pack


def publish_pack(*, export: Export, title: str, description: str, by: User) -> Pack:
    """Make a pack of a finished export, render its first-sheet preview and publish it."""
    pdf = get_storage().read(export.pdf_key)
    pack = Pack(export=export, title=title, description=description)
    pack.page_width_mm, pack.page_height_mm = _page_size_mm(pdf)
    preview = render_preview(pdf)
    if preview is not None:
        pack.preview_key = f"packs/{new_token()}-preview.webp"
        stage(pack.preview_key, preview)
    db.session.add(pack)
    set_published(pack, published=True, by=by)
    return pack


def set_published(pack: Pack, *, published: bool, by: User) -> None:
    """Show or hide the pack on the public site."""
    pack.published = published
    if published:
        pack.published_at = utcnow()
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
