"""Die-cut singles on the web: choose works, print shop, size and shape; see each sticker's
size and resolution; start the export (the same job as the ``export --singles`` command)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from gallery.accounts.access import require
from gallery.jobs import start_job
from gallery.models import Work
from gallery.permissions import can_print
from gallery.printing import catalog, operations, singles_ops
from gallery.printing.engine.singles import SinglesOptions
from gallery.printing.forms import SinglesForm, read_items
from gallery.printing.names import shown


@dataclass
class SinglesChoices:
    """What the printer chose for die-cut singles and, when it can be made, the plan."""

    form: SinglesForm
    works: list[Work]
    chosen: dict[int, int]
    problems: list[str] = field(default_factory=list)
    options: SinglesOptions | None = None
    plan: singles_ops.SinglesPlan | None = None
    refusals: dict[int, str] = field(default_factory=dict)


def read_singles(formdata: MultiDict | None, *, csrf: bool = False) -> SinglesChoices:
    """Build the form from ``formdata`` (None: first visit), fill it from the preset, plan."""
    sent = formdata is not None and "defaults_for" in formdata
    form = SinglesForm(formdata=formdata if sent else None, meta={"csrf": csrf})
    presets = sorted(catalog.all_presets().values(), key=lambda p: p.id != "generic-die-cut")
    form.preset.choices = [SelectChoice(p.id, shown(p.name)) for p in presets]
    preset = catalog.get_preset(form.preset.data or "")
    if preset is None and not sent and presets:
        preset = presets[0]
        form.preset.data = preset.id
    # Another shop chosen: its bleed and colour replace what was shown. An unknown one is
    # left for validation to name.
    if preset is not None and form.defaults_for.data != preset.id:
        form.use_preset(preset)
    works = operations.printable_works()
    default = [w.id for w in works] if not sent else None
    items, problems = read_items(formdata or MultiDict(), default=default)
    choices = SinglesChoices(form, works, dict(items), problems)
    if not sent or form.validate():
        try:
            choices.options = singles_ops.singles_options(form.option_values(), preset)
            pairs = operations.load_items(list(choices.chosen.items()))
            choices.plan = singles_ops.plan_singles_works(pairs, choices.options)
        except operations.ExportRefused as refused:
            choices.problems += refused.messages()
        except ValueError as exc:
            choices.problems.append(str(exc))
    else:
        choices.problems += [error for errors in form.errors.values() for error in errors]
    return choices


def _page(choices: SinglesChoices, status: int = 200):
    """Render the singles page."""
    return render_template("printing/singles.html", c=choices), status


@require(can_print)
def singles():
    """Show the singles page; a GET with choices plans them (works without JavaScript)."""
    return _page(read_singles(request.args or None))


@require(can_print)
def create_singles():
    """Check the choices, queue the singles export and show its progress."""
    choices = read_singles(request.form, csrf=True)
    if choices.problems or choices.options is None:
        return _page(choices, 422)
    try:
        export = singles_ops.start_singles(
            items=list(choices.chosen.items()),
            options=choices.options,
            by=current_user,
            language=str(get_locale() or "en"),
        )
    except operations.ExportRefused as refused:
        choices.problems += refused.messages()
        return _page(choices, 422)
    start_job("export", export.id)
    return redirect(url_for("printing.show_export", export_id=export.id), code=303)
