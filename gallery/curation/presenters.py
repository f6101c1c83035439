"""Turn grid cards into ready-to-print strings, so the template loop stays cheap at 120 cards."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from flask_babel import ngettext

from gallery.curation.queries import Card


@dataclass(frozen=True)
class CardView:
    """What one grid card prints: addresses, sizes and texts already in the page's language."""

    id: int
    href: str
    src: str
    srcset: str
    width: int
    height: int
    title: str
    credit: str | None
    status: str
    status_label: str
    transparent: bool
    flagged: bool
    voted: bool
    votes_text: str


def present_cards(
    cards: list[Card], *, image_base: str, work_base: str, suffix: str, status_labels: dict
) -> list[CardView]:
    """Return the printable view of ``cards``; each distinct text is translated once."""
    untitled, anonymous = _("Untitled"), _("anonymous")
    label = cache(lambda status: str(status_labels[status]))
    count_text = cache(lambda votes: ngettext("%(num)d vote", "%(num)d votes", votes))
    # Translated once, filled per card: a gettext call per card costs more than the card.
    voted = _("you: %(score)s · mean %(mean).2f · %(count)s")

    def votes_text(card: Card) -> str:
        """Say how many votes; the mean and my score only once I have voted."""
        if card.my_score is None:
            return count_text(card.votes)
        return voted % {"score": card.my_score, "mean": card.mean, "count": count_text(card.votes)}

    views = []
    for card in cards:
        image = f"{image_base}{card.id}/"
        first = card.widths[0]
        views.append(
            CardView(
                id=card.id,
                href=f"{work_base}{card.id}{suffix}",
                src=f"{image}{first}.webp",
                srcset=", ".join(f"{image}{w}.webp {w}w" for w in card.widths),
                width=first,
                height=round(first * card.height / card.width),
                title=card.title or untitled,
                credit=None if card.credit is None else (card.credit or anonymous),
                status=card.status.value,
                status_label=label(card.status),
                transparent=card.has_alpha,
                flagged=card.flagged,
                voted=card.my_score is not None,
                votes_text=votes_text(card),
            )
        )
    return views
