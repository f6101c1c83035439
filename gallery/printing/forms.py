"""The print export form: layout, options and the chosen works with their copies.

The same form is read from a GET query (preview, no CSRF) and from a POST (start the export).
Works are plain inputs (``work`` checkboxes, ``copies-<id>`` numbers) because their number
changes with the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, HiddenField, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, ValidationError

from gallery.printing import catalog
from gallery.printing.engine.geometry import Layout
from gallery.printing.operations import MAX_COPIES

CREDIT_CHOICES = [
    SelectChoice("on", _l("On the sticker")),
    SelectChoice("under", _l("Under the sticker, on the sheet")),
    SelectChoice("off", _l("No credit line (the credits page still names everyone)")),
]
FIT_CHOICES = [
    SelectChoice("contain", _l("Show the whole artwork (may leave margins)")),
    SelectChoice(
        "cover", _l("Fill the label (may crop the edges; transparent works are never cropped)")
    ),
]
SHAPE_CHOICES = [
    SelectChoice("rounded", _l("Rounded rectangle")),
    SelectChoice("rect", _l("Rectangle")),
    SelectChoice("circle", _l("Circle")),
]
SINGLES_CREDIT_CHOICES = [
    SelectChoice("on", _l("On the sticker, inside the safe zone")),
    SelectChoice("off", _l("No credit line (the credits file still names everyone)")),
]
CMYK_LABEL = _l("Convert the art to CMYK for the press")
CMYK_HINT = _l("Otherwise it stays in sRGB, which PDF/X-4 allows and desktop printers prefer.")
# Fields that are ExportOptions, in the order they are shown.
OPTION_FIELDS = (
    "start_at",
    "credit",
    "credits_page",
    "bleed_mm",
    "crop_marks",
    "cut_lines",
    "fit",
    "cmyk",
    "offset_x_mm",
    "offset_y_mm",
    "scale",
)
# Calibration belongs to the printer, not the sheet: it survives a change of layout.
CALIBRATION_FIELDS = ("offset_x_mm", "offset_y_mm", "scale")


class ExportForm(FlaskForm):
    """Layout and print options; works and copies are read by ``read_items``."""

    layout = SelectField(_l("Layout"), validate_choice=False)
    # The layout whose defaults the options were filled from: another layout means refill.
    defaults_for = HiddenField()
    show = HiddenField()
    fill = BooleanField(_l("Fill the sheet (repeat the chosen works until every label is used)"))
    start_at = IntegerField(
        _l("Start at label"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=10_000)],
        description=_l("For a partly used sheet: the number of the first free label."),
    )
    credit = RadioField(_l("Credit line"), choices=CREDIT_CHOICES, default="on")
    credits_page = BooleanField(_l("Add a credits page naming every artist"), default=True)
    bleed_mm = FloatField(
        _l("Bleed (mm)"),
        default=1.5,
        validators=[InputRequired(), NumberRange(min=0, max=10)],
        description=_l("How far the artwork runs past the label edge, so a cut never shows paper."),
    )
    crop_marks = BooleanField(_l("Crop marks"))
    cut_lines = BooleanField(_l("Cut lines (for a cutting plotter)"))
    fit = RadioField(_l("Fit"), choices=FIT_CHOICES, default="contain")
    cmyk = BooleanField(CMYK_LABEL, description=CMYK_HINT)
    offset_x_mm = FloatField(
        _l("Printer offset across (mm)"),
        default=0.0,
        validators=[InputRequired(), NumberRange(min=-20, max=20)],
    )
    offset_y_mm = FloatField(
        _l("Printer offset down (mm)"),
        default=0.0,
        validators=[InputRequired(), NumberRange(min=-20, max=20)],
    )
    scale = FloatField(
        _l("Printer scale factor"),
        default=1.0,
        validators=[InputRequired(), NumberRange(min=0.9, max=1.1)],
        description=_l("1 prints at exact size; 0.99 shrinks everything by 1 %."),
    )

    def validate_layout(self, field: SelectField) -> None:
        """The layout must be one of the installed layouts."""
        if catalog.get_layout(field.data or "") is None:
            raise ValidationError(_("Choose one of the layouts."))

    def option_values(self) -> dict[str, Any]:
        """Return the chosen ExportOptions values."""
        return {name: self[name].data for name in OPTION_FIELDS}

    def use_defaults(self, layout: Layout, *, keep_calibration: bool) -> None:
        """Fill the options from ``layout``'s defaults (calibration kept if asked)."""
        defaults = layout.defaults.to_mapping()
        for name in OPTION_FIELDS:
            if keep_calibration and name in CALIBRATION_FIELDS and self[name].data is not None:
                continue
            self[name].data = defaults[name]
            # Number inputs show what was typed (raw_data) over .data: forget the old value.
            self[name].raw_data = None
        self.defaults_for.data = layout.id

    def hidden_values(self) -> list[tuple[str, str]]:
        """Return (name, value) pairs that reproduce the choices in another form."""
        pairs = [("layout", self.layout.data or ""), ("defaults_for", self.layout.data or "")]
        for name in ("fill", *OPTION_FIELDS):
            value = self[name].data
            if isinstance(value, bool):
                if value:
                    pairs.append((name, "y"))
            elif value is not None:
                pairs.append((name, str(value)))
        return pairs


def read_items(
    data: Mapping[str, Any], *, default: list[int] | None = None
) -> tuple[list[tuple[int, int]], list[str]]:
    """Read ticked works and copies from form data (or ``default`` ids, once each) + problems."""
    if default is not None:
        return [(work_id, 1) for work_id in default], []
    items: list[tuple[int, int]] = []
    problems: list[str] = []
    seen: set[int] = set()
    getlist = getattr(data, "getlist", lambda key: [data[key]] if key in data else [])
    for raw in getlist("work"):
        if not str(raw).isdigit() or int(raw) in seen:
            continue
        work_id = int(raw)
        seen.add(work_id)
        copies_raw = str(data.get(f"copies-{work_id}", "1")).strip() or "1"
        if not copies_raw.isdigit() or not 1 <= int(copies_raw) <= MAX_COPIES:
            problems.append(
                _("Copies of work %(id)s must be 1 to %(max)s.", id=work_id, max=MAX_COPIES)
            )
            continue
        items.append((work_id, int(copies_raw)))
    return items, problems


class SinglesForm(FlaskForm):
    """Die-cut singles for a print shop: preset, size, shape and options."""

    preset = SelectField(_l("Print shop"), validate_choice=False)
    # The preset whose values the options were filled from: another preset means refill.
    defaults_for = HiddenField()
    size_mm = FloatField(
        _l("Size (mm)"),
        default=50.0,
        validators=[InputRequired(), NumberRange(min=10, max=300)],
        description=_l("The longer side of each sticker's cut line."),
    )
    shape = RadioField(_l("Shape"), choices=SHAPE_CHOICES, default="rounded")
    bleed_mm = FloatField(
        _l("Bleed (mm)"),
        default=2.0,
        validators=[InputRequired(), NumberRange(min=0, max=10)],
        description=_l("How far the artwork runs past the cut line."),
    )
    credit = RadioField(_l("Credit line"), choices=SINGLES_CREDIT_CHOICES, default="on")
    cmyk = BooleanField(CMYK_LABEL, description=CMYK_HINT)

    def validate_preset(self, field: SelectField) -> None:
        """The preset must be one of the installed presets."""
        if catalog.get_preset(field.data or "") is None:
            raise ValidationError(_("Choose one of the print shops."))

    def use_preset(self, preset) -> None:
        """Fill bleed and colour from ``preset``."""
        self.bleed_mm.data = preset.bleed_mm if preset.bleed_mm is not None else 2.0
        # What the field shows and what validation reads: the preset's value, not the old one.
        self.bleed_mm.raw_data = [str(self.bleed_mm.data)]
        self.cmyk.data = preset.cmyk
        self.defaults_for.data = preset.id

    def option_values(self) -> dict[str, Any]:
        """Return the chosen singles option values."""
        names = ("size_mm", "shape", "bleed_mm", "credit", "cmyk")
        return {name: self[name].data for name in names}

    def hidden_values(self) -> list[tuple[str, str]]:
        """Return (name, value) pairs that reproduce the choices in the "Create PDF" form."""
        pairs = [("preset", self.preset.data or ""), ("defaults_for", self.preset.data or "")]
        for name in ("size_mm", "shape", "bleed_mm", "credit"):
            if self[name].data is not None:
                pairs.append((name, str(self[name].data)))
        if self.cmyk.data:
            pairs.append(("cmyk", "y"))
        return pairs


class ConfirmForm(FlaskForm):
    """A POST-only button (delete, try again) that carries CSRF."""
