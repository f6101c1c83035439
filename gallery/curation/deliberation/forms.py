"""Forms of deliberation: a comment's text (posting and editing share it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from gallery.curation.deliberation.comments import MAX_LENGTH
from gallery.submissions.text import clean_block


class CommentForm(FlaskForm):
    """The text of a comment on a work, for staff eyes only."""

    body = TextAreaField(
        _l("Comment"),
        filters=[clean_block],
        validators=[
            DataRequired(_l("Please write something first.")),
            Length(max=MAX_LENGTH, message=_l("At most %(max)d characters, please.")),
        ],
    )
