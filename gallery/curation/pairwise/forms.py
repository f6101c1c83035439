"""Forms and labels of the pairwise pages: one answer per pair, and ticking ranked works."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Optional, ValidationError

from gallery.models import ComparisonOutcome, PairPool

POOL_LABELS = {
    PairPool.SHORTLISTED: _l("Shortlist"),
    PairPool.JUDGING: _l("All new and shortlisted works"),
}
DEFAULT_POOL = PairPool.SHORTLISTED
# The buttons besides the two works: "Equal" is a tie, "Skip" says nothing about the pair.
VERDICTS = {"tie": ComparisonOutcome.TIE, "skip": ComparisonOutcome.SKIP}


def pool_from(args) -> PairPool:
    """Read the pool from the query string; anything unknown means the default."""
    value = args.get("pool", "")
    return PairPool(value) if value in set(PairPool) else DEFAULT_POOL


class AnswerForm(FlaskForm):
    """The pair as shown (left, right) and the answer: a winner's id, or a verdict."""

    left = IntegerField(validators=[InputRequired()])
    right = IntegerField(validators=[InputRequired()])
    winner = IntegerField(validators=[Optional()])
    verdict = StringField(validators=[Optional()])

    def validate_winner(self, field) -> None:
        """A winner is one of the two works shown."""
        if field.data is not None and field.data not in (self.left.data, self.right.data):
            raise ValidationError(_l("Please choose one of the two works."))

    def validate_verdict(self, field) -> None:
        """A verdict is "tie" or "skip", and only without a winner."""
        if field.data and field.data not in VERDICTS:
            raise ValidationError(_l("Please choose one of the two works."))
        if not field.data and self.winner.data is None:
            raise ValidationError(_l("Please choose one of the two works."))

    def outcome(self) -> ComparisonOutcome:
        """Return the answer as a comparison outcome (call after validating)."""
        if self.winner.data is not None:
            left_won = self.winner.data == self.left.data
            return ComparisonOutcome.LEFT if left_won else ComparisonOutcome.RIGHT
        return VERDICTS[self.verdict.data]


class SelectForm(FlaskForm):
    """The ranked works a decider ticked to mark as selected for print."""

    works = SelectMultipleField(coerce=int, validate_choice=False)
