"""What the artist sees of a work's status."""

from __future__ import annotations

from flask_babel import gettext as _

from gallery.curation.history import released_status
from gallery.models import Work, WorkStatus


def artist_status(work: Work) -> str:
    """Return the status shown through the claim link: "received" until decisions are released.

    Decisions reach artists in one batch when an admin releases them; a decision taken after
    the latest release stays private until the next one.
    """
    if work.status == WorkStatus.WITHDRAWN:
        return _("Withdrawn")
    released = released_status(work)
    labels = {
        WorkStatus.SHORTLISTED: _("Shortlisted"),
        WorkStatus.SELECTED: _("Selected for print"),
        WorkStatus.PUBLISHED: _("Published"),
        WorkStatus.DECLINED: _("Not selected"),
    }
    return labels.get(released, _("Received"))
