"""Forms of the curation pages: grid filters, votes, decisions, duplicates and removals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from gallery.curation.operations import DECISIONS
from gallery.curation.queries import GalleryQuery, Sort
from gallery.curation.scores import RankBy
from gallery.models import WorkStatus

STATUS_LABELS = {
    WorkStatus.NEW: _l("New"),
    WorkStatus.SHORTLISTED: _l("Shortlisted"),
    WorkStatus.SELECTED: _l("Selected for print"),
    WorkStatus.PUBLISHED: _l("Published"),
    WorkStatus.DECLINED: _l("Declined"),
    WorkStatus.WITHDRAWN: _l("Withdrawn"),
}
SORT_LABELS = {
    Sort.SHUFFLE: _l("Shuffled (your own order)"),
    Sort.SCORE: _l("Score"),
    Sort.VOTES: _l("Number of votes"),
    Sort.NEWEST: _l("Newest"),
}
RANK_LABELS = {
    RankBy.BAYESIAN: _l("Bayesian mean"),
    RankBy.NORMALISED: _l("Normalised per curator"),
    RankBy.MEAN: _l("Mean"),
    RankBy.VOTES: _l("Votes"),
}
DECISION_CHOICES = [SelectChoice(s.value, STATUS_LABELS[s]) for s in DECISIONS]


class FilterForm(FlaskForm):
    """The grid's filters and sort, sent by GET so pages can be bookmarked."""

    class Meta:
        """A GET form changes nothing: no CSRF token in the address."""

        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("All but withdrawn"))]
        + [SelectChoice(s.value, STATUS_LABELS[s]) for s in WorkStatus],
        default="",
    )
    unvoted = BooleanField(_l("Not yet voted by me"))
    transparent = BooleanField(_l("Transparent background"))
    duplicates = BooleanField(_l("Flagged near-duplicate"))
    sort = SelectField(
        _l("Sort"),
        choices=[SelectChoice(s.value, SORT_LABELS[s]) for s in Sort],
        default=Sort.SHUFFLE.value,
    )
    page = IntegerField(default=1, validators=[NumberRange(min=1, max=100_000)])

    def to_query(self) -> GalleryQuery:
        """Return the query the form describes; invalid parts fall back to defaults."""
        status = self.status.data if self.status.data in set(WorkStatus) else None
        sort = self.sort.data if self.sort.data in set(Sort) else Sort.SHUFFLE
        page = self.page.data if isinstance(self.page.data, int) else 1
        return GalleryQuery(
            status=WorkStatus(status) if status else None,
            unvoted=bool(self.unvoted.data),
            transparent=bool(self.transparent.data),
            duplicates=bool(self.duplicates.data),
            sort=Sort(sort),
            page=min(max(page, 1), 100_000),
        )


class VoteForm(FlaskForm):
    """A score from 1 to 5 (one submit button per score) and whether to move on."""

    score = IntegerField(_l("Score"), validators=[InputRequired(), NumberRange(min=1, max=5)])
    advance = BooleanField(_l("Then go to the next work to judge"), default=True)


class DecideForm(FlaskForm):
    """One decision on one work."""

    status = SelectField(_l("Decision"), choices=DECISION_CHOICES)


class BulkForm(FlaskForm):
    """One decision on the works ticked in the grid."""

    status = SelectField(_l("Decision for the ticked works"), choices=DECISION_CHOICES)
    works = SelectMultipleField(coerce=int, validate_choice=False)


class MergeForm(FlaskForm):
    """Confirm two look-alikes are the same work; ``keep`` names the one that stays."""

    keep = HiddenField(validators=[InputRequired()])


class ConfirmForm(FlaskForm):
    """A destructive button that needs a ticked box (removing spam or abuse)."""

    confirm = BooleanField(_l("Yes, delete for good"))


class ButtonForm(FlaskForm):
    """A POST-only button (release, "different works") that carries CSRF."""


class BlindForm(FlaskForm):
    """Switch blind mode; the button sends the new setting."""

    blind_mode = BooleanField()
