"""The catalogue read once for the mirror answers exactly what the page queries answer."""

from __future__ import annotations

from gallery.models import WorkState
from gallery.public.queries import Catalogue, gallery_page, works_by_credit
from tests.factories import make_decision, make_entry, make_work


def ids(items) -> list[int]:
    """Return the work ids of public works, in order."""
    return [shown.work.id for shown in items]


def test_catalogue_pages_and_credits_match_the_queries(app, when):
    """Same pages, same order, same exact-credit matches, same exclusion and limits."""
    make_entry(works=3, state=WorkState.PUBLISHED, credit="Maria K.", app=app)
    make_entry(works=2, state=WorkState.PUBLISHED, credit="maria k.", app=app)
    make_entry(works=2, state=WorkState.PUBLISHED, credit="", app=app)
    make_entry(works=1, state=WorkState.SELECTED, credit="Maria K.", app=app)
    make_entry(
        works=1, state=WorkState.PUBLISHED, credit="Maria K.", consent_publish=False, app=app
    )
    late = make_work(state=WorkState.PUBLISHED, credit="Maria K.", app=app)
    make_decision(work=late, created_at=when(2020, 1, 1), app=app)
    with app.app_context():
        catalogue = Catalogue.load()
        pages = catalogue.gallery_pages(per_page=2)
        assert [p.page for p in pages] == [1, 2, 3, 4]
        for listing in pages:
            live = gallery_page(page=listing.page, per_page=2)
            assert ids(listing.items) == ids(live.items)
            assert (listing.pages, listing.total) == (live.pages, live.total)
        for credit in ("Maria K.", "maria k.", "", "Nobody"):
            assert ids(catalogue.works_by_credit(credit)) == ids(works_by_credit(credit))
            for shown in catalogue.works:
                mine = catalogue.works_by_credit(credit, exclude=shown.work.id, limit=2)
                theirs = works_by_credit(credit, exclude=shown.work.id, limit=2)
                assert ids(mine) == ids(theirs)


def test_an_empty_gallery_has_one_empty_page(app):
    """As the live home page: page 1 of 1, nothing on it."""
    with app.app_context():
        (only,) = Catalogue.load().gallery_pages()
        assert (only.page, only.pages, only.total, only.items) == (1, 1, 0, [])
