"""Turn grid cards into HTML-ready strings, so the template loop stays cheap at 120 cards.

The grid prints about fifteen values per card. Escaping each of them in the template costs
more than the rest of the card, yet nearly all are built from numbers and a few texts shared
by the whole page. So escaping happens here, once per distinct text: the page's labels and
address parts once per page, a card's own title and credit once per card. The template prints
these fields without escaping them again (see ``curation/gallery.html``).
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import escape

from gallery.curation.forms import STATUS_LABELS
from gallery.curation.queries import Card
from gallery.models import WorkState


class CardView(NamedTuple):
    """What one grid card prints. Every string is HTML-escaped already; numbers are numbers."""

    id: int
    href: str
    src: str
    srcset: str
    width: int
    height: int
    title: str
    # None in blind mode.
    credit: str | None
    status: str
    status_label: str
    transparent: bool
    flagged: bool
    voted: bool
    votes_text: str


@cache
def _image_patterns(widths: tuple[int, ...]) -> tuple[str, str]:
    """Return ``src`` and ``srcset`` patterns for ``widths``; ``{0}`` stands for the address.

    Nearly every work has the same widths, so each card fills a ready pattern instead of
    joining its own list.
    """
    srcset = ", ".join(f"{{0}}{w}.webp {w}w" for w in widths)
    return f"{{0}}{widths[0]}.webp", srcset


class _Texts(NamedTuple):
    """The grid's fixed texts in one language, translated and escaped."""

    untitled: str
    anonymous: str
    # Filled per card with numbers and the escaped vote count; a plain string, as markup's
    # own ``%`` would escape that count a second time.
    voted: str
    badges: dict[WorkState, tuple[str, str]]


@cache
def _texts(language: str) -> _Texts:
    """Return the grid's fixed texts in ``language``.

    ``language`` must be the current request's: it is the cache key, while the translations
    follow the request's locale (as ``forms.filter_options`` does). Translating them for every
    page cost more than presenting a dozen cards.
    """
    return _Texts(
        untitled=str(escape(_("Untitled"))),
        anonymous=str(escape(_("anonymous"))),
        voted=str(escape(_("you: %(score)s · mean %(mean).2f · %(count)s"))),
        # "published+selected" wears both badge colours: classes status-published status-selected.
        badges={
            s: (str(escape(s.value.replace("+", " status-"))), str(escape(STATUS_LABELS[s])))
            for s in WorkState
        },
    )


@lru_cache(maxsize=1024)
def _vote_count(language: str, votes: int) -> str:
    """Return "N votes" in ``language``, escaped (the same rule on ``language`` as ``_texts``)."""
    return str(escape(ngettext("%(num)d vote", "%(num)d votes", votes)))


def present_cards(
    cards: list[Card], *, language: str, image_base: str, work_base: str, suffix: str
) -> list[CardView]:
    """Return the HTML-ready view of ``cards`` for a page in ``language`` (the request's)."""
    untitled, anonymous, voted, badges = _texts(language)
    # Plain strings: formatting markup objects into each card's addresses costs four times more.
    image_base, work_base = str(escape(image_base)), str(escape(work_base))
    suffix = str(escape(suffix))

    views = []
    for card in cards:
        src, srcset = _image_patterns(card.widths)
        image = f"{image_base}{card.id}/"
        first = card.widths[0]
        status, status_label = badges[card.status]
        votes_text = _vote_count(language, card.votes)
        if card.my_score is not None:
            votes_text = voted % {"score": card.my_score, "mean": card.mean, "count": votes_text}
        # None stays None (blind mode); an empty credit is an artist who chose anonymity.
        credit = card.credit
        if credit is not None:
            credit = escape(credit) if credit else anonymous
        views.append(
            CardView(
                card.id,
                f"{work_base}{card.id}{suffix}",
                src.format(image),
                srcset.format(image),
                first,
                round(first * card.height / card.width),
                escape(card.title) if card.title else untitled,
                credit,
                status,
                status_label,
                card.has_alpha,
                card.flagged,
                card.my_score is not None,
                votes_text,
            )
        )
    return views
