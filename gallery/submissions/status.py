"""What the artist sees of a work's status."""

from __future__ import annotations

from flask_babel import gettext as _

from gallery.curation.history import released_status
from gallery.models import Work, WorkState, WorkStatus


def artist_status(work: Work) -> str:
    """Return the status shown through the claim link: "received" until decisions are released.

    Decisions reach artists in one batch when an admin releases them; a decision taken after
    the latest release stays private until the next one.
    """
    if work.status == WorkStatus.WITHDRAWN:
        return _("Withdrawn")
    released = released_status(work)
    labels = {
        WorkState.SHORTLISTED: _("Shortlisted"),
        WorkState.SELECTED: _("Selected for print"),
        WorkState.PUBLISHED: _("Published"),
        WorkState.PUBLISHED_SELECTED: _("Published and selected for print"),
        WorkState.DECLINED: _("Not selected"),
    }
    return labels.get(released, _("Received"))
