"""The names and notes of the layouts and print-shop presets we ship, in the reader's language.

Their data files (``print_layouts/``, ``print_presets/``) write them in English, and the
operator's commands (``layouts list``, ``presets list``) print them so. Pages show them in
the page's language instead, recognised by the English text itself: a layout an operator adds,
or redefines under one of our ids, keeps the words its file gives, and so do the gLabels
sheets, whose makers name them in English only.
"""

from __future__ import annotations

from flask_babel import gettext

from gallery.i18n import decimal
from gallery.models import Export, ExportKind


def N_(text: str) -> str:  # noqa: N802 - gettext's marker name, which pybabel finds by default
    """Mark ``text`` for the catalogs; it is translated where it is shown."""
    return text


SHIPPED_TEXTS = frozenset(
    {
        # print_layouts/*.toml: name, then description
        N_("Avery 5160 / 8160, 30 labels 2⅝ × 1 in"),
        N_("Address Labels; geometry from the gLabels template Avery 5160"),
        N_("Avery 5294, 12 round labels ⌀ 2½ in"),
        N_("Round Labels; geometry from the gLabels template Avery 5194"),
        N_("Avery L7160 / J8160, 21 labels 63.5 × 38.1 mm"),
        N_("Mailing labels; geometry from the gLabels template Avery 7160"),
        N_("Avery L7163, 14 labels 99.1 × 38.1 mm"),
        N_("Mailing labels; geometry from the gLabels template Avery 7163"),
        N_("Avery L7651, 65 mini labels 38.1 × 21.2 mm"),
        N_("Mini Address Labels; geometry from the gLabels template Avery 8651"),
        N_("Cricut Print Then Cut, US Letter, 12 squares 2 × 2 in"),
        N_("Print-and-cut area for Cricut; Design Space adds its own marks"),
        N_("Herma 4614, 24 labels 66 × 33.8 mm"),
        N_("Allround Labels; geometry from the gLabels template Herma 4614"),
        N_("A4 sticker paper, 6 squares 90 × 90 mm"),
        N_("Plain sticker paper with crop marks"),
        N_("A4 sticker paper, 8 circles ⌀ 60 mm"),
        N_("Plain sticker paper with crop marks and cut guides"),
        N_("US Letter sticker paper, 6 squares 3 × 3 in"),
        N_("Silhouette print & cut, A4, 12 circles ⌀ 50 mm"),
        N_("Print-and-cut with registration marks and a CutContour cut line"),
        N_("Silhouette print & cut, US Letter, 8 rounded 3 × 2 in"),
        # print_presets/*.toml: name
        N_("Sticker print shop, die-cut singles"),
        N_("Home or office printer"),
    }
)


def shown(text: str) -> str:
    """Return ``text`` in the reader's language if it is one of ours, else as it is written."""
    return gettext(text) if text in SHIPPED_TEXTS else text


def export_title(export: Export) -> str:
    """Return what an export is, for pages: its layout's name, or die-cut singles and size.

    The export keeps the English name it was made with; the reader's language is applied
    here, when it is shown.
    """
    if export.kind == ExportKind.SINGLES:
        size = (export.option_values or {}).get("size_mm")
        if size is not None:
            return gettext("Die-cut singles, %(mm)s mm", mm=decimal(size))
    return shown(export.layout_name)
