"""The shared data model. Import models from here."""

from gallery.models.accounts import Invite, Role, User
from gallery.models.submissions import Entry, Licence, Work, WorkStatus

__all__ = ["Entry", "Invite", "Licence", "Role", "User", "Work", "WorkStatus"]
