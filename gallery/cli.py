"""What every feature's commands share: one output convention for scripts.

Commands live with their feature (``curation/cli.py``, ``storage/cli.py`` …) and print
tab-separated lines with no header; ``create_app`` registers them all.
"""

from __future__ import annotations


def cell(value: object) -> str:
    """Format one column: no tabs or newlines inside a cell."""
    return " ".join(str(value).split())
