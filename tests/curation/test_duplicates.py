"""Near-duplicates: flagged by hash distance, merged (votes folded) or marked different."""

from __future__ import annotations

from sqlalchemy import select

from gallery.curation.duplicates import (
    THRESHOLD,
    find_all_near_duplicates,
    flag_near_duplicates,
    merge_works,
    open_pairs,
)
from gallery.extensions import db
from gallery.models import DuplicatePair, Entry, Vote, Work
from gallery.storage.files import get_storage
from tests.curation.pages import post
from tests.factories import make_entry, make_user, make_vote, make_work

BASE = 0x0F0F_F0F0_3C3C_C3C3


def _hash(flipped_bits: int) -> str:
    """Return BASE with its lowest ``flipped_bits`` bits flipped, as 16 hex digits."""
    return f"{BASE ^ ((1 << flipped_bits) - 1):016x}"


def _pairs() -> list[tuple[int, int, int]]:
    """Return every stored pair as (first, second, distance)."""
    rows = db.session.execute(
        select(DuplicatePair.first_id, DuplicatePair.second_id, DuplicatePair.distance).order_by(
            DuplicatePair.id
        )
    )
    return [tuple(r) for r in rows]


def _pair_ids() -> list[tuple[int, int, int]]:
    """Return every stored pair as (id, first, second)."""
    rows = db.session.execute(
        select(DuplicatePair.id, DuplicatePair.first_id, DuplicatePair.second_id)
    )
    return [tuple(r) for r in rows]


def test_new_works_are_paired_with_close_hashes_of_other_entries_only(ctx):
    """Within THRESHOLD bits → flagged; farther → not; variants in one entry → not."""
    original = make_work(phash=_hash(0))
    far = make_work(phash=_hash(THRESHOLD + 5))
    variants = make_entry(works=2, phashes=[_hash(1), _hash(2)]).works
    new = flag_near_duplicates(variants)
    db.session.commit()
    assert sorted((p.first_id, p.second_id, p.distance) for p in new) == [
        (original.id, variants[0].id, 1),
        (original.id, variants[1].id, 2),
    ]
    assert far.id not in {i for p in new for i in (p.first_id, p.second_id)}
    # Flagging again, or the full scan, adds nothing new.
    assert flag_near_duplicates(variants) == []
    assert find_all_near_duplicates() == []
    assert [p.other(original.id).id for p in open_pairs(original)] == [w.id for w in variants]


def test_the_full_scan_finds_pairs_among_older_works(ctx):
    """Works added without the hook are paired by the command's scan."""
    a = make_work(phash=_hash(0))
    b = make_work(phash=_hash(THRESHOLD))
    make_work(phash=_hash(THRESHOLD + 1))  # 11 bits from a but 1 from b
    found = find_all_near_duplicates()
    db.session.commit()
    assert (a.id, b.id, THRESHOLD) in [(p.first_id, p.second_id, p.distance) for p in found]
    assert len(found) == 2


def test_submitting_an_entry_flags_its_look_alikes(app, client, make_image):
    """The intake hook: a re-upload of the same picture by another artist gets flagged."""
    from tests.submissions.conftest import Artist

    artist = Artist(client)
    picture = make_image("PNG", (400, 300))
    assert artist.submit([(picture, "a.png")]).status_code == 303
    assert artist.submit([(picture, "copy.png")], credit="Someone Else").status_code == 303
    with app.app_context():
        first, second = db.session.scalars(select(Work.id).order_by(Work.id)).all()
        assert _pairs() == [(first, second, 0)]


def test_merge_folds_votes_keeping_the_kept_works_vote_and_deletes_the_other(ctx):
    """Votes move from the dropped work unless the curator voted on both (kept vote wins)."""
    keep = make_work(phash=_hash(0), files=True)
    drop = make_work(phash=_hash(1), files=True)
    flag_near_duplicates([drop])
    both, only_drop, only_keep = make_user("curator"), make_user("curator"), make_user("curator")
    make_vote(user=both, work=keep, score=2)
    make_vote(user=both, work=drop, score=5)
    make_vote(user=only_drop, work=drop, score=4)
    make_vote(user=only_keep, work=keep, score=3)
    drop_id, drop_entry, drop_keys = drop.id, drop.entry_id, drop.file_keys()
    moved = merge_works(keep=keep, drop=drop)
    db.session.commit()
    assert moved == 1
    votes = {(v.user_id, v.work_id, v.score) for v in db.session.scalars(select(Vote))}
    assert votes == {(both.id, keep.id, 2), (only_drop.id, keep.id, 4), (only_keep.id, keep.id, 3)}
    assert db.session.get(Work, drop_id) is None
    # Its entry had no other work, so it went too; its files are gone after the commit.
    assert db.session.get(Entry, drop_entry) is None
    storage_keys = set(get_storage().keys())
    assert not storage_keys & set(drop_keys)
    assert set(keep.file_keys()) <= storage_keys
    assert _pairs() == []


def test_merge_and_different_through_the_work_page(app, client, login_user_as):
    """Deciders see the pair side by side; "same" merges, "different" stops the flag."""
    login_user_as(client, app, "curator", decider=True)
    with app.app_context():
        a = make_work(phash=_hash(0)).id
        b = make_work(phash=_hash(2)).id
        c = make_work(phash=_hash(3)).id
        works = db.session.scalars(select(Work).where(Work.id.in_([b, c]))).all()
        flag_near_duplicates(works)
        db.session.commit()
        pairs = {(first, second): pair_id for pair_id, first, second in _pair_ids()}
    assert set(pairs) == {(a, b), (a, c), (b, c)}
    page = f"/curate/works/{a}"
    html = client.get(page).get_data(as_text=True)
    assert "Possible near-duplicates" in html and "Same work: keep this one" in html
    response = post(client, page, f"/curate/duplicates/{pairs[(a, c)]}/different")
    assert response.status_code == 303
    response = post(client, page, f"/curate/duplicates/{pairs[(a, b)]}/same", {"keep": str(a)})
    assert response.status_code == 303 and response.headers["Location"].startswith(page)
    with app.app_context():
        assert db.session.get(Work, b) is None
        assert db.session.get(Work, c) is not None
    assert "near-duplicate?" not in client.get("/curate").get_data(as_text=True)
    wrong = post(client, page, f"/curate/duplicates/{pairs[(a, c)]}/same", {"keep": "12345"})
    assert wrong.status_code == 400
