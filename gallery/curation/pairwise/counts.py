"""How many judged comparisons each work has been in, in SQL (no numpy: coverage reads it too)."""

from __future__ import annotations

from sqlalchemy import Select, func, select, union_all

from gallery.models import Comparison, ComparisonOutcome


def judged_per_work() -> Select:
    """Return (work_id, comparisons) for every work in a judged (not skipped) comparison.

    A skip says nothing about the pair, so it neither informs the fit nor counts as coverage.
    """
    judged = Comparison.outcome != ComparisonOutcome.SKIP
    sides = union_all(
        select(Comparison.left_id.label("work_id")).where(judged),
        select(Comparison.right_id.label("work_id")).where(judged),
    ).subquery()
    return select(sides.c.work_id, func.count().label("comparisons")).group_by(sides.c.work_id)
