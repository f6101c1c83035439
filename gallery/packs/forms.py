"""Forms of the sticker packs: a pack's title and description, and POST-only buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from gallery.submissions.text import clean_block, clean_line


class PackForm(FlaskForm):
    """Title and description of a sticker pack (one text for every language)."""

    title = StringField(
        _l("Title"), filters=[clean_line], validators=[DataRequired(), Length(max=200)]
    )
    description = TextAreaField(
        _l("Description (optional)"),
        filters=[clean_block],
        validators=[Length(max=5_000)],
        description=_l("Plain text, shown to everyone in every language."),
    )


class ButtonForm(FlaskForm):
    """A POST-only button (unpublish, publish again, delete) that carries CSRF."""
