"""What curation does when works arrive (called by the intake's ``create_entry``)."""

from __future__ import annotations

from collections.abc import Iterable

from gallery.curation.duplicates import flag_near_duplicates
from gallery.curation.shuffle import shuffle_new_works
from gallery.models import Work


def works_created(works: Iterable[Work]) -> None:
    """Flag look-alikes of the new works and place them in every curator's shuffle."""
    works = list(works)
    flag_near_duplicates(works)
    shuffle_new_works(works)
