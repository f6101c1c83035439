"""What the artist sees of a work's status."""

from __future__ import annotations

from flask_babel import gettext as _

from gallery.models import Work, WorkStatus


def artist_status(work: Work) -> str:
    """Return the status shown through the claim link: "received" until decisions are released."""
    if work.status == WorkStatus.WITHDRAWN:
        return _("Withdrawn")
    return _("Received")
