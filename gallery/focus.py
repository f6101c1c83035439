"""Accessible forms and focus: which element a page focuses on load, and what ties a field to
its hint and errors (``aria-describedby``, ``aria-invalid``), for the field macro and the error
summary of ``templates/_forms.html``."""

from __future__ import annotations

from flask import g, has_request_context

_TAKEN = "page_focus_taken"

#: Fields shown as a fieldset of options (``templates/_forms.html``), each option an input.
CHOICE_GROUPS = ("RadioField", "MultiCheckboxField")


def take_focus() -> bool:
    """Return True for the first element of this response that asks to be focused on load.

    The page's first form error, else its first message, takes focus with the ``autofocus``
    attribute, which works without JavaScript; a second ``autofocus`` would be ignored anyway.
    """
    if not has_request_context() or g.get(_TAKEN):
        return False
    g.setdefault(_TAKEN, True)
    return True


def error_id(field, number: int = 0) -> str:
    """Return the id of the ``number``-th error message shown under ``field``."""
    return f"{field.id}-error-{number}"


def field_aria(field) -> dict:
    """Return the attributes tying ``field`` to its hint and errors; the first invalid field
    of the page also gets ``autofocus``."""
    described = [f"{field.id}-hint"] if field.description else []
    described += [error_id(field, n) for n in range(len(field.errors))]
    attributes: dict = {}
    if described:
        attributes["aria-describedby"] = " ".join(described)
    if field.errors:
        attributes["aria-invalid"] = "true"
        if take_focus():
            attributes["autofocus"] = True
    return attributes


def form_errors(*forms) -> list[tuple[str, str]]:
    """Return (field id, message) for every error of ``forms``, in the order of their fields."""
    found: list[tuple[str, str]] = []
    for form in forms:
        if form is not None:
            found.extend(_errors_of(form))
    return found


def _errors_of(fields) -> list[tuple[str, str]]:
    """Walk a form, a FieldList or a FormField and collect the errors of its plain fields."""
    found: list[tuple[str, str]] = []
    for field in fields:
        if field.type in ("FieldList", "FormField"):
            found.extend(_errors_of(field))
        elif field.type not in ("CSRFTokenField", "HiddenField"):
            # A group of choices is rendered option by option: its first option is the target.
            target = f"{field.id}-0" if field.type in CHOICE_GROUPS else field.id
            found.extend((target, str(message)) for message in field.errors)
    return found
