"""Forms of the curation pages (votes, decisions, duplicates, removals) and their labels."""

from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from gallery.curation.operations import DECISIONS
from gallery.curation.queries import Sort
from gallery.curation.scores.queries import RankBy
from gallery.models import DecisionAction, WorkState

STATUS_LABELS = {
    WorkState.NEW: _l("New"),
    WorkState.SHORTLISTED: _l("Shortlisted"),
    WorkState.PUBLISHED: _l("Published"),
    WorkState.SELECTED: _l("Selected for print"),
    WorkState.PUBLISHED_SELECTED: _l("Published and selected for print"),
    WorkState.DECLINED: _l("Declined"),
    WorkState.WITHDRAWN: _l("Withdrawn"),
}
ACTION_LABELS = {
    DecisionAction.SHORTLISTED: _l("Shortlist"),
    DecisionAction.PUBLISHED: _l("Publish on the site"),
    DecisionAction.UNPUBLISHED: _l("Take off the site"),
    DecisionAction.SELECTED: _l("Select for print"),
    DecisionAction.UNSELECTED: _l("Take out of print"),
    DecisionAction.DECLINED: _l("Decline"),
}
# What the grid's status filter offers: "published" and "selected" each include works that
# are both.
FILTER_STATES = tuple(s for s in WorkState if s is not WorkState.PUBLISHED_SELECTED)
SORT_LABELS = {
    Sort.SHUFFLE: _l("Shuffled (your own order)"),
    Sort.SCORE: _l("Score"),
    Sort.VOTES: _l("Number of votes"),
    Sort.NEWEST: _l("Newest"),
    Sort.PAIRWISE: _l("Pairwise strength"),
}
RANK_LABELS = {
    RankBy.BAYESIAN: _l("Bayesian mean"),
    RankBy.NORMALISED: _l("Normalised per curator"),
    RankBy.MEAN: _l("Mean"),
    RankBy.VOTES: _l("Votes"),
}
DECISION_CHOICES = [SelectChoice(a.value, ACTION_LABELS[a]) for a in DECISIONS]


@functools.cache
def filter_options(language: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the grid's status and sort choices as (value, label) in ``language``.

    ``language`` must be the current page's: it is the cache key, the labels follow the
    request's locale.

    The grid's GET filter bar is drawn from these directly rather than through a WTForms
    form: it validates nothing (``GalleryQuery.from_args`` reads it) and sits on the busiest
    page.
    """
    statuses = [("", str(_l("All but withdrawn")))]
    statuses += [(s.value, str(STATUS_LABELS[s])) for s in FILTER_STATES]
    return statuses, [(s.value, str(SORT_LABELS[s])) for s in Sort]


class VoteForm(FlaskForm):
    """A score from 1 to 5 (one submit button per score) and whether to move on."""

    score = IntegerField(_l("Score"), validators=[InputRequired(), NumberRange(min=1, max=5)])
    advance = BooleanField(_l("Then go to the next work to judge"), default=True)


class DecideForm(FlaskForm):
    """One decision on one work."""

    status = SelectField(_l("Decision"), choices=DECISION_CHOICES)


class BulkForm(FlaskForm):
    """One decision on the works ticked in the grid."""

    # Posted as "status", but the grid's filter already has a box with that id.
    status = SelectField(
        _l("Decision for the ticked works"), choices=DECISION_CHOICES, id="bulk-status"
    )
    # Shown as the cards' own checkboxes, never with a label. The empty label also spares
    # WTForms from loading its message catalog from disk to name the field on every grid view.
    works = SelectMultipleField(label="", coerce=int, validate_choice=False)


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
