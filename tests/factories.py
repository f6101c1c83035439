"""Factories shared by every test package."""

from __future__ import annotations

from gallery.models import Work, WorkState, WorkStatus


def set_state(work: Work, state: WorkState | WorkStatus | str) -> Work:
    """Put ``work`` in ``state`` ("published", "published+selected", "declined" …) directly."""
    work.status, work.published, work.selected = WorkState(str(state)).columns()
    return work
