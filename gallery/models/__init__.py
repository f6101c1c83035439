"""The shared data model. Import models from here."""

from gallery.models.accounts import Invite, Role, User
from gallery.models.curation import (
    Decision,
    DecisionAction,
    DecisionSource,
    DuplicatePair,
    PairVerdict,
    Release,
    Vote,
)
from gallery.models.deletions import Deletion, DeletionReason
from gallery.models.deliberation import Comment, Conflict
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
from gallery.models.printing import Export, ExportItem, ExportKind, ExportState
from gallery.models.submissions import Entry, Licence, Work, WorkState, WorkStatus

__all__ = [
    "Comment",
    "Comparison",
    "ComparisonOutcome",
    "Conflict",
    "Decision",
    "DecisionAction",
    "DecisionSource",
    "Deletion",
    "DeletionReason",
    "DuplicatePair",
    "Entry",
    "Export",
    "ExportItem",
    "ExportKind",
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
    "WorkState",
    "WorkStatus",
]
