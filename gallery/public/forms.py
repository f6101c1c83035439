"""Forms of the public site's staff side: the call-for-works text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from gallery.submissions.text import clean_block, clean_line


def _line(value: str | None) -> str:
    """Filter: clean a one-line text field."""
    return clean_line(value)


class PageForm(FlaskForm):
    """An admin's text for one public page in one language."""

    title = StringField(_l("Title"), filters=[_line], validators=[Length(max=200)])
    body = TextAreaField(
        _l("Text"),
        filters=[clean_block],
        validators=[Length(max=20_000)],
        description=_l(
            "Plain text. Leave a blank line between paragraphs. Leave it empty to show the "
            "built-in text."
        ),
    )
