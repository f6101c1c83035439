"""The shared data model. Import models from here."""

from gallery.models.accounts import Invite, Role, User
from gallery.models.curation import (
    Decision,
    DecisionSource,
    DuplicatePair,
    PairVerdict,
    Release,
    Vote,
)
from gallery.models.packs import Pack
from gallery.models.pages import Page
from gallery.models.pairwise import (
    Comparison,
    ComparisonOutcome,
    PairPool,
    PairReservation,
    PairwiseRefresh,
    PairwiseStrength,
)
from gallery.models.printing import Export, ExportState
from gallery.models.submissions import Entry, Licence, Work, WorkStatus

__all__ = [
    "Comparison",
    "ComparisonOutcome",
    "Decision",
    "DecisionSource",
    "DuplicatePair",
    "Entry",
    "Export",
    "ExportState",
    "Invite",
    "Licence",
    "Pack",
    "Page",
    "PairPool",
    "PairReservation",
    "PairVerdict",
    "PairwiseRefresh",
    "PairwiseStrength",
    "Release",
    "Role",
    "User",
    "Vote",
    "Work",
    "WorkStatus",
]
