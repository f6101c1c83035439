"""What every feature's commands share: one output convention for scripts.

Commands live with their feature (``curation/cli.py``, ``storage/cli.py`` …) and print
tab-separated lines with no header; ``create_app`` registers them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import click


def cell(value: object) -> str:
    """Format one column: no tabs or newlines inside a cell."""
    return " ".join(str(value).split())


@dataclass(frozen=True)
class Check:
    """One line of a checking command (``doctor``, ``storage init``): ok, warn or fail."""

    status: str
    name: str
    detail: str = ""

    @property
    def failed(self) -> bool:
        """Tell whether this check failed (the command then exits with status 1)."""
        return self.status == "fail"

    def line(self) -> str:
        """Return the check as ``status<TAB>name<TAB>detail``."""
        return "\t".join(cell(value) for value in (self.status, self.name, self.detail))


def echo_checks(checks: Iterable[Check]) -> None:
    """Print one line per check; exit with status 1 when any failed."""
    failed = False
    for check in checks:
        click.echo(check.line())
        failed = failed or check.failed
    if failed:
        raise SystemExit(1)
