"""The curators' grid cards: what each prints, and each card rendered once and kept.

A grid page shows up to 120 cards of about fifteen values each. Nearly every value is built
from numbers and a few texts shared by the whole page, so those texts are translated once per
language and the address patterns made once per page. Nothing here escapes by hand: each card
is rendered by ``curation/_card.html`` with Jinja's autoescaping, as every page is, and the
rendered card is kept: escaping every field of every card anew made the page a fifth slower.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import NamedTuple

from flask import current_app
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from gallery.curation.forms import STATUS_LABELS
from gallery.curation.queries import Card
from gallery.models import WorkState

CARD_TEMPLATE = "curation/_card.html"
# Rendered cards kept per process: about 1.5 kB each, a few MB in all.
CARDS_KEPT = 2048


class CardView(NamedTuple):
    """What one grid card prints: plain text the template escapes, and numbers."""

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
    """The grid's fixed texts in one language, translated."""

    untitled: str
    anonymous: str
    # Filled per card with numbers and the vote count.
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
        untitled=_("Untitled"),
        anonymous=_("anonymous"),
        voted=_("you: %(score)s · mean %(mean).2f · %(count)s"),
        # "published+selected" wears both badge colours: classes status-published status-selected.
        badges={s: (s.value.replace("+", " status-"), str(STATUS_LABELS[s])) for s in WorkState},
    )


@lru_cache(maxsize=1024)
def _vote_count(language: str, votes: int) -> str:
    """Return "N votes" in ``language`` (the same rule on ``language`` as ``_texts``)."""
    return ngettext("%(num)d vote", "%(num)d votes", votes)


def present_cards(
    cards: list[Card], *, language: str, image_base: str, work_base: str, suffix: str
) -> list[CardView]:
    """Return what the template prints for ``cards`` on a page in ``language`` (the request's)."""
    untitled, anonymous, voted, badges = _texts(language)
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
            credit = credit or anonymous
        views.append(
            CardView(
                card.id,
                f"{work_base}{card.id}{suffix}",
                src.format(image),
                srcset.format(image),
                first,
                round(first * card.height / card.width),
                card.title or untitled,
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


def cards_html(cards: list[CardView], *, tickable: bool) -> Markup:
    """Return the grid's cards as HTML (``tickable``: with bulk tick boxes), each kept once made.

    A card's key is everything it shows: every field of its view (the curator's own score and
    blind mode included), the language of its labels and the tick box. Equal keys give equal
    HTML, so a kept card only ever goes to someone who would be shown that very card.
    """
    if current_app.jinja_env.auto_reload:
        # Templates may change while the app runs (debug): render afresh, keep nothing.
        return Markup("\n").join(_render(card, tickable) for card in cards)
    language = str(get_locale())
    return Markup("\n").join(_kept(language, card, tickable) for card in cards)


@lru_cache(maxsize=CARDS_KEPT)
def _kept(language: str, card: CardView, tickable: bool) -> Markup:
    """Render a card for the cache (``language`` is the request's: it only keys the cache)."""
    return _render(card, tickable)


def _render(card: CardView, tickable: bool) -> Markup:
    """Render one card with the card template's macro (autoescaped: it returns markup)."""
    return current_app.jinja_env.get_template(CARD_TEMPLATE).module.grid_card(card, tickable)
