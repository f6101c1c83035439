"""Die-cut singles exports: options from a print-shop preset, planning, starting and running.

Like sheet exports they flush and never commit; ``run_singles`` runs inside the export job.
A singles export stores two files, the stickers PDF and the credits PDF, both artifacts of
its works under the same rules (see ``gallery.lifecycle``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Export, ExportKind, ExportState, User, Work
from gallery.printing import catalog
from gallery.printing.engine.presets import Preset
from gallery.printing.engine.singles import Single, SinglesOptions, plan_singles
from gallery.printing.operations import (
    ExportRefused,
    load_items,
    plan_refusal,
    queue_export,
    sticker_source,
)
from gallery.printing.preflights import checked
from gallery.storage import keys as filekeys
from gallery.storage.files import get_storage, stage
from gallery.storage.store import StorageError, new_token

log = logging.getLogger(__name__)

LAYOUT_ID = "singles"  # what a singles export records as its layout
DEFAULT_PRESET = "generic-die-cut"


@dataclass(frozen=True)
class SinglesPlan:
    """A checked singles export, not yet rendered: one sticker per page, and the warnings."""

    singles: list[Single]
    warnings: list[dict]


def singles_options(values: dict[str, Any], preset: Preset | None) -> SinglesOptions:
    """Return singles options: the preset's values, overridden by ``values`` (given ones)."""
    merged: dict[str, Any] = {}
    if preset is not None:
        merged.update(preset.option_values())
        merged["safe_mm"] = preset.safe_mm
    merged.update({key: value for key, value in values.items() if value is not None})
    merged["min_dpi"] = int(current_app.config["PRINT_MIN_DPI"])
    return SinglesOptions.from_mapping(merged)


def plan_singles_works(pairs: Sequence[tuple[Work, int]], options: SinglesOptions) -> SinglesPlan:
    """Plan one page per copy; raise ExportRefused when it cannot be made."""
    items = [(sticker_source(work), copies) for work, copies in pairs]
    limit = int(current_app.config["PRINT_MAX_SINGLES"])
    try:
        singles = plan_singles(items, options, max_pages=limit)
    except ValueError as exc:
        raise ExportRefused([plan_refusal(exc)]) from exc
    lowest: dict[int, dict] = {}
    for single in singles:
        if single.low_resolution and single.sticker.work_id not in lowest:
            lowest[single.sticker.work_id] = {
                "work_id": single.sticker.work_id,
                "title": single.sticker.title,
                "dpi": round(single.effective_dpi),
            }
    return SinglesPlan(singles=singles, warnings=list(lowest.values()))


def start_singles(
    *,
    items: Sequence[tuple[int, int]],
    options: SinglesOptions,
    by: User | None,
    language: str = "en",
) -> Export:
    """Check and plan a die-cut singles export and queue it; raise ExportRefused."""
    pairs = load_items(items)
    plan = plan_singles_works(pairs, options)
    export = queue_export(
        pairs,
        options,
        by=by,
        language=language,
        pages=len(plan.singles),
        warnings=plan.warnings,
        kind=ExportKind.SINGLES,
        layout_id=LAYOUT_ID,
        layout_name=f"Die-cut singles, {options.size_mm:g} mm",
        fill=False,
    )
    log.info("export %s queued: %d die-cut singles", export.id, len(plan.singles))
    return export


def _credits_made_before(digest: str) -> bytes | None:
    """Return the credits file of an earlier export of the same order, if one is still there.

    Only a finished export still holding its file qualifies: one whose work was deleted has
    lost it, so nothing deleted ever comes back this way.
    """
    earlier = db.session.scalar(
        select(Export)
        .where(
            Export.credits_digest == digest,
            Export.state == ExportState.DONE,
            Export.credits_key.is_not(None),
        )
        .order_by(Export.id.desc())
        .limit(1)
    )
    if earlier is None:
        return None
    try:
        return get_storage().read(earlier.credits_key)
    except StorageError:
        return None


def run_singles(export: Export, *, progress: Callable[[int, int], None]) -> Export:
    """Render, preflight and store a singles export's two PDFs (consent checked again)."""
    options = SinglesOptions.from_mapping(export.option_values)
    with force_locale(export.language or "en"):
        pairs = load_items(export.item_list)
        plan = plan_singles_works(pairs, options)
        words = {
            "title": _("Stickers"),
            "credits_title": _("Credits"),
            "credits_heading": _("Credits"),
            "anonymous_label": _("Anonymous"),
        }
    progress(0, len(plan.singles) + 1)
    # WeasyPrint and pikepdf load only in processes that render.
    from gallery.printing.engine.singles_pdf import credits_digest, render_singles

    press_icc = catalog.press_profile()
    digest = credits_digest(
        [single.sticker for single in plan.singles],
        heading=words["credits_heading"],
        anonymous=words["anonymous_label"],
        title=words["credits_title"],
        press_icc=press_icc,
        cmyk=options.cmyk,
    )
    pdf, credits = render_singles(
        plan.singles,
        options,
        storage=get_storage(),
        press_icc=press_icc,
        progress=progress,
        credits=_credits_made_before(digest),
        **words,
    )
    export.credits_digest = digest
    export.preflight = json.dumps(
        {
            "pdf": checked(pdf, options, requires_cut=True),
            "credits": checked(credits, options, requires_cut=False),
        }
    )
    token = new_token()
    export.pdf_key, export.pdf_size = filekeys.export_pdf_key(token), len(pdf)
    export.credits_key = filekeys.export_credits_key(token)
    export.credits_size = len(credits)
    stage(export.pdf_key, pdf)
    stage(export.credits_key, credits)
    export.sheets, export.warnings = len(plan.singles), json.dumps(plan.warnings)
    db.session.flush()
    return export
