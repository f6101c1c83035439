"""Read a printer's choices from a request into a checked plan, shared by the print views.

The page, the live preview, the true-size SVG and the export POST all go through
``read_choices`` so the preview a printer sees is planned exactly like the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from gallery.models import Work
from gallery.printing import catalog, operations
from gallery.printing.engine.geometry import Layout
from gallery.printing.engine.options import ExportOptions
from gallery.printing.engine.plan import Placement, SheetPlan
from gallery.printing.engine.preview import PreviewTexts, sheet_svg
from gallery.printing.forms import ExportForm, read_items
from gallery.printing.names import shown

LAYOUT_RESULTS = 100  # layouts listed for one search (1,700 gLabels sheets would be unusable)
PREVIEW_SHEETS = 10
SCREEN_PX_PER_MM = 2 * 96 / 25.4  # CSS pixels at true size, doubled for high-density screens


@dataclass
class Choices:
    """What the printer chose, the works on offer and, if it can be made, the planned export."""

    form: ExportForm
    query: str
    layout: Layout
    layouts: list[Layout]
    works: list[Work]
    chosen: dict[int, int]  # work id → copies
    problems: list[str] = field(default_factory=list)
    options: ExportOptions | None = None
    plan: operations.ExportPlan | None = None
    by_id: dict[int, Work] = field(default_factory=dict)
    refusals: dict[int, str] = field(default_factory=dict)

    @property
    def items(self) -> list[tuple[int, int]]:
        """Return the chosen (work_id, copies) pairs in the order they were listed."""
        return list(self.chosen.items())


def read_choices(formdata: MultiDict | None, *, csrf: bool = False) -> Choices:
    """Build the form from ``formdata`` (None: first visit), pick the layout and plan."""
    sent = formdata is not None and "defaults_for" in formdata
    form = ExportForm(formdata=formdata if sent else None, meta={"csrf": csrf})
    query = (request.args.get("q") or "").strip()[:100]
    layouts = catalog.find_layouts(query)[:LAYOUT_RESULTS]
    requested = form.layout.data or ""
    layout = catalog.get_layout(requested) or _first_layout(layouts)
    if layout not in layouts:
        layouts.insert(0, layout)
    form.layout.choices = [SelectChoice(lay.id, shown(lay.name)) for lay in layouts]
    form.layout.data = layout.id
    if form.defaults_for.data != layout.id:
        form.use_defaults(layout, keep_calibration=sent)
    everything = (form.show.data or request.args.get("show")) == "all"
    form.show.data = "all" if everything else ""
    printable = operations.printable_works()
    works = operations.print_candidates() if everything else printable
    # On a first visit every work selected for print is ticked once.
    default = [w.id for w in printable] if not sent else None
    items, problems = read_items(formdata or MultiDict(), default=default)
    if sent and requested != layout.id:
        problems.append(_("There is no layout “%(id)s”.", id=requested[:100]))
    choices = Choices(form, query, layout, layouts, works, dict(items), problems)
    for work in works:
        refusal = operations.print_refusal(work)
        if refusal:
            choices.refusals[work.id] = refusal
    if not sent or form.validate():
        _plan(choices)
    else:
        choices.problems += [error for errors in form.errors.values() for error in errors]
    return choices


def _first_layout(layouts: list[Layout]) -> Layout:
    """Return the layout offered first: the best search hit, else the first built-in."""
    if layouts:
        return layouts[0]
    return catalog.find_layouts("")[0]


def _plan(choices: Choices) -> None:
    """Check the works and plan the sheets, collecting reasons when that is not possible."""
    try:
        choices.options = operations.export_options(choices.layout, choices.form.option_values())
        pairs = operations.load_items(choices.items)
        choices.by_id = {work.id: work for work, _copies in pairs}
        choices.plan = operations.plan_works(
            layout=choices.layout,
            pairs=pairs,
            options=choices.options,
            fill=bool(choices.form.fill.data),
        )
    except operations.ExportRefused as refused:
        choices.problems += refused.messages()
    except ValueError as exc:
        choices.problems.append(str(exc))


def preview_svgs(choices: Choices) -> list[Markup]:
    """Return the true-size SVG of the first sheets (an empty sheet when nothing is planned)."""
    options = choices.options or choices.layout.defaults
    sheets = choices.plan.sheets[:PREVIEW_SHEETS] if choices.plan else [SheetPlan(0, ())]
    return [
        Markup(  # noqa: S704 - sheet_svg builds the SVG and escapes every text and address in it
            sheet_svg(
                choices.layout,
                sheet,
                options,
                image_url=lambda p: image_url(choices, p),
                texts=preview_texts(),
            )
        )
        for sheet in sheets
    ]


def image_url(choices: Choices, placement: Placement) -> str:
    """Return the URL of the smallest WebP derivative sharp enough for ``placement`` on screen."""
    work = choices.by_id[placement.sticker.work_id]
    art = placement.art_box
    needed = max(art.width, art.height) * SCREEN_PX_PER_MM
    widths = sorted(work.widths)
    width = next((w for w in widths if w >= needed), widths[-1])
    return url_for("printing.work_image", work_id=work.id, width=width)


def hidden_pairs(choices: Choices) -> list[tuple[str, str]]:
    """Return (name, value) pairs that reproduce the choices: options, works and copies."""
    pairs = choices.form.hidden_values()
    if choices.form.show.data:
        pairs.append(("show", choices.form.show.data))
    for work_id, copies in choices.items:
        pairs += [("work", str(work_id)), (f"copies-{work_id}", str(copies))]
    return pairs


def query_string(choices: Choices) -> str:
    """Return the choices as a URL query (for the standalone SVG link)."""
    return urlencode(hidden_pairs(choices))


def preview_texts() -> PreviewTexts:
    """Return the preview's words in the reader's language."""
    return PreviewTexts(
        sheet_title=lambda layout, number: _(
            "%(layout)s, sheet %(number)s", layout=shown(layout), number=number
        ),
        low_resolution=lambda dpi: _(
            "Low resolution: %(dpi)s dpi at this size; prints may look blurry", dpi=dpi
        ),
    )
