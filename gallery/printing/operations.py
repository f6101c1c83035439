"""Print export operations: which works may be printed, starting, running and deleting exports.

They flush; the request (or command) commits once. ``run_export`` is the job handler and is
called by :mod:`gallery.jobs`, which commits its progress.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gallery.extensions import db
from gallery.lifecycle.policy import is_printable, printable_condition, unprintable_works
from gallery.liveness import fail_stale_jobs
from gallery.models import Entry, Export, ExportKind, ExportState, Pack, User, Work, WorkStatus
from gallery.printing import catalog
from gallery.printing.engine.geometry import Layout
from gallery.printing.engine.options import ExportOptions, Mode
from gallery.printing.engine.plan import PlanError, SheetPlan, StickerSource, plan_export
from gallery.printing.preflights import checked
from gallery.refusals import Refused, join_ids
from gallery.storage import keys as filekeys
from gallery.storage.files import discard, get_storage, stage
from gallery.storage.store import new_token

log = logging.getLogger(__name__)

MAX_COPIES = 1000


class ExportRefused(Refused):
    """The export cannot be made as asked; ``reasons`` say why, one per problem."""

    status = 422

    def __init__(self, reasons: Sequence[str]) -> None:
        """Keep every reason (the works and options are all checked before refusing)."""
        super().__init__(*reasons)


@dataclass(frozen=True)
class ExportPlan:
    """A checked export, not yet rendered: the sheets and the works below the minimum DPI."""

    sheets: list[SheetPlan]
    warnings: list[dict]

    @property
    def stickers(self) -> int:
        """Return how many stickers the sheets hold."""
        return sum(len(sheet.placements) for sheet in self.sheets)


def printable_works() -> list[Work]:
    """Return works selected for print that may be printed, oldest first."""
    query = (
        select(Work)
        .join(Entry)
        .where(Work.selected.is_(True), printable_condition())
        .options(selectinload(Work.entry))
        .order_by(Work.created_at, Work.id)
    )
    return list(db.session.scalars(query))


def print_candidates() -> list[Work]:
    """Return every work a printer may look at for print: all but withdrawn ones, oldest first."""
    query = (
        select(Work)
        .where(Work.status != WorkStatus.WITHDRAWN)
        .options(selectinload(Work.entry))
        .order_by(Work.created_at, Work.id)
    )
    return list(db.session.scalars(query))


def print_refusal(work: Work) -> str | None:
    """Return why ``work`` may not be printed, or None when it may."""
    if is_printable(work):
        return None
    if work.status == WorkStatus.WITHDRAWN:
        return _("Work %(id)s was withdrawn by the artist.", id=work.id)
    return _("The artist of work %(id)s did not agree to print.", id=work.id)


def credit_line(work: Work) -> str | None:
    """Return the credit printed for ``work``: None when the artist stays anonymous."""
    return (work.entry.credit or "").strip() or None


def sticker_source(work: Work) -> StickerSource:
    """Describe ``work`` for the sheet planner: its master, size and credit."""
    return StickerSource(
        work_id=work.id,
        image_key=work.master_key,
        width_px=work.width,
        height_px=work.height,
        has_alpha=work.has_alpha,
        credit=credit_line(work),
        title=work.title or _("Untitled"),
        print_key=work.print_source_key,
        print_factor=work.print_factor,
        vector_key=work.vector_key,
    )


def load_items(items: Sequence[tuple[int, int]]) -> list[tuple[Work, int]]:
    """Return the works for (work_id, copies) pairs; raise ExportRefused with each problem."""
    if not items:
        raise ExportRefused([_("Choose at least one work.")])
    ids = [work_id for work_id, _copies in items]
    found = {w.id: w for w in db.session.scalars(select(Work).where(Work.id.in_(ids)))}
    reasons, pairs = [], []
    for work_id, copies in items:
        work = found.get(work_id)
        if work is None:
            reasons.append(_("There is no work %(id)s.", id=work_id))
            continue
        refusal = print_refusal(work)
        if refusal:
            reasons.append(refusal)
        elif not 1 <= copies <= MAX_COPIES:
            reasons.append(
                _("Copies of work %(id)s must be 1 to %(max)s.", id=work_id, max=MAX_COPIES)
            )
        else:
            pairs.append((work, copies))
    if reasons:
        raise ExportRefused(reasons)
    return pairs


def plan_works(
    *, layout: Layout, pairs: Sequence[tuple[Work, int]], options: ExportOptions, fill: bool
) -> ExportPlan:
    """Plan the sheets for checked works; raise ExportRefused when the plan is impossible."""
    items = [(sticker_source(work), copies) for work, copies in pairs]
    try:
        sheets = plan_export(
            layout,
            items,
            options,
            fill=fill,
            max_sheets=int(current_app.config["PRINT_MAX_SHEETS"]),
        )
    except ValueError as exc:
        raise ExportRefused([plan_refusal(exc)]) from exc
    warnings = low_resolution(sheets)
    if layout.mode is Mode.PRINT_AND_CUT or options.cut_lines:
        # NumPy and SciPy measure the cut spacing: loaded with the first plan that cuts.
        from gallery.printing.engine.cutcheck import sheet_warnings

        warnings += sheet_warnings(layout, sheets, options)
    return ExportPlan(sheets=sheets, warnings=warnings)


def plan_refusal(exc: ValueError) -> str:
    """Return why the planner refused, in the user's language when the case is known."""
    reason = exc.reason if isinstance(exc, PlanError) else None
    d = exc.details if isinstance(exc, PlanError) else {}
    if reason == "empty":
        return _("Choose at least one work.")
    if reason == "no_pixels":
        return _("The image of work %(id)s is empty.", id=d["work"])
    if reason == "copies":
        return _("Copies of work %(id)s must be a whole number, at least 1.", id=d["work"])
    if reason == "start_at":
        return _(
            "The first label must be between 1 and %(max)s on %(layout)s.",
            max=d["per_sheet"],
            layout=d["layout"],
        )
    if reason == "singles_limit":
        return ngettext(
            "This export has %(num)s sticker, more than the limit of %(limit)s.",
            "This export has %(num)s stickers, more than the limit of %(limit)s.",
            d["stickers"],
            limit=d["limit"],
        )
    if reason == "sheet_limit":
        return ngettext(
            "This export needs %(num)s sheet, more than the limit of %(limit)s.",
            "This export needs %(num)s sheets, more than the limit of %(limit)s.",
            d["sheets"],
            limit=d["limit"],
        )
    if reason == "credit_room":
        return _(
            "The credit line does not fit under label %(label)s of %(layout)s "
            "(%(needed)s mm needed). Put credits on the sticker or turn them off.",
            label=d["label"],
            layout=d["layout"],
            needed=d["needed"],
        )
    return _("This export cannot be planned: %(why)s", why=exc)


def low_resolution(sheets: Sequence[SheetPlan]) -> list[dict]:
    """Return one warning per work printed below the minimum DPI, with its lowest DPI."""
    lowest: dict[int, dict] = {}
    for sheet in sheets:
        for placement in sheet.placements:
            if not placement.low_resolution:
                continue
            sticker = placement.sticker
            dpi = round(placement.effective_dpi)
            seen = lowest.get(sticker.work_id)
            if seen is None or dpi < seen["dpi"]:
                lowest[sticker.work_id] = {
                    "work_id": sticker.work_id,
                    "title": sticker.title,
                    "dpi": dpi,
                }
    return list(lowest.values())


def export_options(layout: Layout, values: dict) -> ExportOptions:
    """Return the layout's defaults overridden by ``values`` and the configured minimum DPI."""
    merged = {**layout.defaults.to_mapping(), **values}
    merged["min_dpi"] = int(current_app.config["PRINT_MIN_DPI"])
    return ExportOptions.from_mapping(merged)


def start_export(
    *,
    layout: Layout,
    items: Sequence[tuple[int, int]],
    options: ExportOptions,
    fill: bool,
    by: User | None,
    language: str = "en",
) -> Export:
    """Check and plan an export and queue it; raise ExportRefused with the reasons."""
    pairs = load_items(items)
    plan = plan_works(layout=layout, pairs=pairs, options=options, fill=fill)
    export = queue_export(
        pairs,
        options,
        by=by,
        language=language,
        pages=len(plan.sheets),
        warnings=plan.warnings,
        layout_id=layout.id,
        layout_name=layout.name,
        fill=fill,
    )
    log.info("export %s queued: %d sheets on %s", export.id, len(plan.sheets), layout.id)
    return export


def queue_export(
    pairs: Sequence[tuple[Work, int]],
    options: ExportOptions,
    *,
    by: User | None,
    language: str,
    pages: int,
    warnings: list[dict],
    **columns,
) -> Export:
    """Add a queued export row for checked ``pairs`` (its PDF has ``pages`` sheets or pages)."""
    export = Export(
        created_by_id=by.id if by is not None else None,
        options=json.dumps(options.to_mapping(), sort_keys=True),
        language=language,
        state=ExportState.QUEUED,
        total=pages + 1,
        sheets=pages,
        warnings=json.dumps(warnings),
        **columns,
    )
    export.set_items((work.id, copies) for work, copies in pairs)
    db.session.add(export)
    db.session.flush()
    return export


def run_export(export_id: int, *, progress: Callable[[int, int], None]) -> Export:
    """Render the PDF of a queued export, preflight it and store it; consent is checked again
    first. A preflight failure fails the export: it is never offered."""
    export = db.session.get(Export, export_id)
    if export is None:
        raise ValueError(f"export {export_id} does not exist")
    if export.kind is ExportKind.SINGLES:
        from gallery.printing.singles_ops import run_singles

        return run_singles(export, progress=progress)
    layout = catalog.get_layout(export.layout_id)
    if layout is None:
        raise ValueError(f"layout {export.layout_id} is no longer installed")
    options = ExportOptions.from_mapping(export.option_values)
    with force_locale(export.language or "en"):
        pairs = load_items(export.item_list)
        plan = plan_works(layout=layout, pairs=pairs, options=options, fill=export.fill)
        heading, anonymous, title = _("Credits"), _("Anonymous"), _("Stickers")
    progress(0, len(plan.sheets) + 1)
    # WeasyPrint takes a second to import: only processes that render pay for it.
    from gallery.printing.engine.render import render_export

    pdf = render_export(
        layout,
        plan.sheets,
        options,
        storage=get_storage(),
        title=title,
        progress=progress,
        credits_heading=heading,
        anonymous_label=anonymous,
        press_icc=catalog.press_profile(),
    )
    cutting = layout.mode is Mode.PRINT_AND_CUT or options.cut_lines
    export.preflight = json.dumps({"pdf": checked(pdf, options, requires_cut=cutting)})
    key = filekeys.export_pdf_key(new_token())
    stage(key, pdf)
    export.pdf_key, export.pdf_size = key, len(pdf)
    export.sheets, export.warnings = len(plan.sheets), json.dumps(plan.warnings)
    db.session.flush()
    return export


def retry_export(*, export: Export, by: User | None) -> Export:
    """Queue a failed export again with the same choices."""
    if export.state is not ExportState.FAILED:
        raise ValueError("only a failed export can be tried again")
    export.state, export.progress, export.error = ExportState.QUEUED, 0, ""
    export.finished_at = None
    db.session.flush()
    log.info("export %s queued again by user %s", export.id, by.id if by else "-")
    return export


def delete_export(*, export: Export, by: User | None) -> None:
    """Delete a finished or failed export and a pack made of it; files go after the commit."""
    if export.is_active:
        raise ValueError("an export cannot be deleted while it is being made")
    for key in export.stored_keys:
        discard(key)
    pack = db.session.scalar(select(Pack).where(Pack.export_id == export.id))
    if pack is not None and pack.preview_key:
        discard(pack.preview_key)
    db.session.delete(export)
    db.session.flush()
    log.info("export %s deleted by user %s", export.id, by.id if by else "-")


def pdf_for_download(export: Export) -> str:
    """Return the key of ``export``'s PDF; raise ``Refused`` when it may not be handed out.

    An export is a copy of its works: once one of them is withdrawn or loses its artist's
    consent to print, nobody downloads it any more; once one is deleted, its PDF is gone.
    """
    if export.state is ExportState.REMOVED:
        raise Refused(removed_message(), status=410)
    if export.state is not ExportState.DONE or not export.pdf_key:
        raise Refused(_l("This export has no PDF yet."), status=404)
    blocked = unprintable_works([export]).get(export.id)
    if blocked:
        raise Refused(unprintable_message(blocked), status=409)
    return export.pdf_key


def credits_for_download(export: Export) -> str:
    """Return the key of a singles export's credits file, by the same rule as its PDF."""
    pdf_for_download(export)
    if not export.credits_key:
        raise Refused(_l("This export has no separate credits file."), status=404)
    return export.credits_key


def removed_message():
    """Say why an export's PDF is gone (lazy, for pages and refusals)."""
    return _l(
        "This export was removed because an artist deleted a work in it. "
        "Make a new export if you need these stickers."
    )


def unprintable_message(work_ids: Sequence[int]):
    """Say which works keep an export from being downloaded (lazy)."""
    return _l(
        "Work %(ids)s in this export was withdrawn or lost its artist's consent to print, "
        "so the export can no longer be downloaded. Make a new export without it.",
        ids=join_ids(work_ids),
    )


def download_name(export: Export, part: str = "stickers") -> str:
    """Return the file name offered when downloading ``export`` (or its ``credits``)."""
    if export.kind is ExportKind.SINGLES:
        return f"{part}-{export.id}-singles.pdf"
    return f"{part}-{export.id}-{export.layout_id}.pdf"


def recent_exports(limit: int = 50) -> list[Export]:
    """Return the newest exports first; a job among them that nobody holds any more is failed."""
    query = select(Export).order_by(Export.created_at.desc(), Export.id.desc()).limit(limit)
    exports = list(db.session.scalars(query))
    fail_stale_jobs(exports)
    return exports
