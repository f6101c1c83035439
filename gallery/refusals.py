"""One family for refusals: the rules say no, with reasons a person can read.

Domain functions raise ``Refused`` (or a subclass) with translatable reasons, kept lazy so they
become text in the reader's language when shown; the page, the JSON answer or the terminal
turns them into a message and ``status`` into the HTTP code.
"""

from __future__ import annotations

from collections.abc import Iterable


class Refused(Exception):  # noqa: N818 - a refusal is an answer, not an error of ours
    """The rules forbid what was asked; ``reasons`` say why."""

    #: The HTTP status a web request answers with (409: refused as things stand).
    status = 409

    def __init__(self, *reasons, status: int | None = None) -> None:
        """Keep every reason (lazy translatable strings) and, optionally, a status."""
        super().__init__(*reasons)
        self.reasons = list(reasons)
        if status is not None:
            self.status = status

    @property
    def reason(self):
        """Return the first reason (most refusals have exactly one)."""
        return self.reasons[0] if self.reasons else ""

    def __str__(self) -> str:
        """Join the reasons, for logs and the terminal (in the current language)."""
        return "; ".join(self.messages())

    def messages(self) -> list[str]:
        """Return the reasons as text in the current language."""
        return [str(reason) for reason in self.reasons]


def join_ids(ids: Iterable[int]) -> str:
    """Return ids as "3, 7, 12" for a message."""
    return ", ".join(str(i) for i in ids)
