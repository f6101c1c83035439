"""Pairwise domain: refusals, reservations (also across threads on the real file), strengths."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from gallery.curation.pairwise import fit as pairwise_fit
from gallery.curation.pairwise import operations as pairwise_ops
from gallery.curation.pairwise.fit import current_fit, readout, stored_fit
from gallery.curation.pairwise.operations import (
    PairRefused,
    hand_out,
    record_comparison,
    refresh_if_due,
    refresh_strengths,
    reserve_next_pair,
)
from gallery.curation.pairwise.views import stopping_text
from gallery.extensions import db
from gallery.models import (
    Comparison,
    ComparisonOutcome,
    PairPool,
    PairReservation,
    PairwiseRefresh,
    PairwiseStrength,
    User,
    WorkStatus,
)
from gallery.models.submissions import utcnow
from tests.factories import make_user, make_work, make_works

POOL = PairPool.SHORTLISTED
LEFT = ComparisonOutcome.LEFT


def test_refusals_self_withdrawn_repeat_and_outside_the_pool(ctx):
    """Nothing is stored for a refused answer; a repeat in the other order is a repeat."""
    curator = make_user("curator")
    a, b, c = make_works(count=3, state=WorkStatus.SHORTLISTED)
    gone = make_work(state=WorkStatus.WITHDRAWN)
    stranger = make_work(state=WorkStatus.DECLINED)
    record_comparison(user=curator, left=a, right=b, outcome=LEFT, pool=POOL)
    cases = [(a, a), (a, gone), (b, a), (c, stranger)]
    for left, right in cases:
        with pytest.raises(PairRefused):
            record_comparison(user=curator, left=left, right=right, outcome=LEFT, pool=POOL)
    assert db.session.scalar(select(func.count()).select_from(Comparison)) == 1


def test_an_answer_for_a_held_pair_counts_even_if_a_work_left_the_pool(ctx):
    """A decision taken while the pair was on screen does not lose the curator's answer."""
    curator = make_user("curator")
    make_works(count=2, state=WorkStatus.SHORTLISTED)
    reservation = reserve_next_pair(user=curator, pool=POOL, rng=random.Random(1))
    left, right = (db.session.get(type(w), w.id) for w in _works_of(reservation))
    right.status = WorkStatus.DECLINED
    record_comparison(user=curator, left=left, right=right, outcome=LEFT, pool=POOL)
    # Answering releases the reservation.
    assert db.session.scalar(select(func.count()).select_from(PairReservation)) == 0


def _works_of(reservation: PairReservation):
    """Return the two works of a reservation as shown (left, right)."""
    from gallery.models import Work

    return [db.session.get(Work, i) for i in reservation.sides]


def test_the_unique_pair_settles_a_race_even_with_a_stale_view(ctx, monkeypatch):
    """Two curators computing the same best pair: the database gives it to one only."""
    first, second = make_user("curator"), make_user("curator")
    make_works(count=6, state=WorkStatus.SHORTLISTED)
    # The second curator's process has not seen the first reservation yet.
    monkeypatch.setattr(pairwise_ops, "_live_reservations", lambda now: set())
    inserts = []
    original = pairwise_ops._insert_ignore
    monkeypatch.setattr(
        pairwise_ops,
        "_insert_ignore",
        lambda *args: inserts.append(original(*args)) or inserts[-1],
    )
    one = reserve_next_pair(user=first, pool=POOL, rng=random.Random(3))
    two = reserve_next_pair(user=second, pool=POOL, rng=random.Random(3))
    assert {one.low_id, one.high_id} != {two.low_id, two.high_id}
    assert inserts == [True, False, True]


def test_expired_reservations_are_ignored_and_cleared(ctx):
    """A pair nobody answered within the time is handed out again."""
    first, second = make_user("curator"), make_user("curator")
    make_works(count=2, state=WorkStatus.SHORTLISTED)
    taken = reserve_next_pair(user=first, pool=POOL, rng=random.Random(1))
    assert reserve_next_pair(user=second, pool=POOL, rng=random.Random(1)) is None
    taken.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    again = reserve_next_pair(user=second, pool=POOL, rng=random.Random(1))
    assert again is not None and again.user_id == second.id
    assert db.session.scalar(select(func.count()).select_from(PairReservation)) == 1


def test_hand_out_keeps_the_queue_and_gives_back_other_pools(ctx):
    """The same two pairs on a reload; switching pool releases the old ones."""
    curator = make_user("curator")
    make_works(count=5, state=WorkStatus.SHORTLISTED)
    held = [r.id for r in hand_out(user=curator, pool=POOL)]
    assert len(held) == 2
    assert [r.id for r in hand_out(user=curator, pool=POOL)] == held
    hand_out(user=curator, pool=PairPool.JUDGING)
    pools = db.session.scalars(select(PairReservation.pool))
    assert sorted(pools) == [PairPool.JUDGING, PairPool.JUDGING]


def test_threads_on_the_database_file_never_share_a_pair(app):
    """Eight curators ask at the same moment, each in its own connection: eight pairs."""
    with app.app_context():
        make_works(count=8, state=WorkStatus.SHORTLISTED)
        ids = [make_user("curator").id for _ in range(8)]
    barrier = threading.Barrier(len(ids))
    results: dict[int, tuple[int, int] | Exception] = {}

    def ask(user_id: int) -> None:
        """Reserve one pair in a fresh app context (its own session and connection)."""
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                db.session.commit()  # hold no transaction while waiting for the others
                barrier.wait(timeout=30)
                # The same seed everywhere: every thread first wants the same pair.
                reservation = reserve_next_pair(user=user, pool=POOL, rng=random.Random(5))
                db.session.commit()
                results[user_id] = (reservation.low_id, reservation.high_id)
            except Exception as error:  # reported below, with the thread's result
                results[user_id] = error

    threads = [threading.Thread(target=ask, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pairs = list(results.values())
    assert all(isinstance(p, tuple) for p in pairs), pairs
    assert len(set(pairs)) == len(ids)


def _judge(curator: User, pairs: list[tuple]) -> None:
    """Store comparisons directly: (left, right, outcome)."""
    for left, right, outcome in pairs:
        db.session.add(
            Comparison(user_id=curator.id, left_id=left, right_id=right, outcome=outcome, pool=POOL)
        )
    db.session.flush()


def test_refresh_stores_strengths_once_per_change(ctx):
    """Strengths land in SQL with the marker; a second refresh without news does nothing."""
    curator = make_user("curator")
    a, b, c = (w.id for w in make_works(count=3, state=WorkStatus.SHORTLISTED))
    _judge(curator, [(a, b, LEFT), (b, c, LEFT), (a, c, ComparisonOutcome.TIE)])
    assert refresh_strengths() is True
    assert refresh_strengths() is False
    rows = {s.work_id: s for s in db.session.scalars(select(PairwiseStrength))}
    assert rows[a].theta > rows[b].theta > rows[c].theta
    assert all(s.comparisons == 2 and s.se > 0 for s in rows.values())
    marker = db.session.get(PairwiseRefresh, 1)
    assert (marker.comparisons, marker.through_id) == (3, 3)
    _judge(curator, [(c, a, ComparisonOutcome.SKIP)])
    assert refresh_strengths() is True
    assert stored_fit().strengths[a].theta == pytest.approx(rows[a].theta)


def test_refresh_if_due_waits_for_enough_answers_once_past_the_start(ctx, monkeypatch):
    """After the early phase, a refit happens every REFRESH_EVERY answers, not on each."""
    monkeypatch.setattr(pairwise_ops, "REFRESH_EVERY", 2)
    curator = make_user("curator")
    ids = [w.id for w in make_works(count=6, state=WorkStatus.SHORTLISTED)]
    pairs = [(ids[i], ids[j], LEFT) for i in range(6) for j in range(i + 1, 6)][:12]
    _judge(curator, pairs[:11])
    assert refresh_if_due() is True
    _judge(curator, pairs[11:12])
    assert refresh_if_due() is False  # one answer behind
    db.session.add(
        Comparison(user_id=None, left_id=ids[5], right_id=ids[4], outcome=LEFT, pool=POOL)
    )
    db.session.flush()
    assert refresh_if_due() is True


def test_the_fit_follows_the_database_not_the_process_cache(ctx):
    """Another process's new comparison changes the fingerprint, so the fit is redone."""
    curator = make_user("curator")
    a, b, c = (w.id for w in make_works(count=3, state=WorkStatus.SHORTLISTED))
    _judge(curator, [(a, b, LEFT)])
    _key, before = current_fit()
    assert set(before.strengths) == {a, b}
    db.session.execute(
        insert(Comparison).values(
            user_id=curator.id, left_id=c, right_id=a, outcome=LEFT, pool=POOL, created_at=utcnow()
        )
    )
    _key, after = current_fit()
    assert set(after.strengths) == {a, b, c}
    pairwise_fit._cache.clear()
    assert current_fit()[1].strengths[c].theta == pytest.approx(after.strengths[c].theta)


def test_the_stopping_rule_reads_too_few_then_more_then_stable(ctx):
    """The three messages curators see, from the same readout the pages use."""
    curator = make_user("curator")
    ids = [w.id for w in make_works(count=4, state=WorkStatus.SHORTLISTED)]
    assert "Too few comparisons" in stopping_text(readout(None, ids))
    rng = random.Random(4)
    # Noisy answers between close works: reliability stays low.
    noisy = [(ids[i], ids[j]) for i in range(4) for j in range(i + 1, 4)]
    _judge(curator, [(a, b, rng.choice([LEFT, ComparisonOutcome.RIGHT])) for a, b in noisy])
    _judge(make_user("curator"), [(b, a, LEFT) for a, b in noisy])
    text = stopping_text(readout(current_fit()[1], ids))
    assert (
        text.startswith("About ") and "more comparisons until the ranking is stable at 0.8" in text
    )
    # A clear order judged many times over: stable.
    for _ in range(20):
        _judge(make_user("curator"), [(min(a, b), max(a, b), LEFT) for a, b in noisy])
    result = readout(current_fit()[1], ids)
    assert result.more == 0 and result.reliability >= 0.8
    assert "stable (reliability 0.8 reached)" in stopping_text(result)


def test_the_stopping_rule_speaks_russian_with_its_three_plural_forms(ctx):
    """1, 3 and 5 more comparisons take the three Russian forms; 0.8 is written 0,8."""
    from flask_babel import force_locale

    from gallery.curation.pairwise.fit import Readout

    with force_locale("ru"):
        texts = [stopping_text(Readout(4, 4, 10, 0.5, more)) for more in (1, 3, 5, 0)]
    assert texts[0].startswith("Ещё примерно 1 сравнение") and "0,8" in texts[0]
    assert texts[1].startswith("Ещё примерно 3 сравнения")
    assert texts[2].startswith("Ещё примерно 5 сравнений")
    assert texts[3] == "Рейтинг устойчив (надёжность 0,8 достигнута)."


def test_removing_a_work_drops_its_comparisons_and_its_strength(ctx):
    """Spam removal cascades: the next refresh fits what is left, down to nothing at all."""
    from gallery.curation.operations import remove_work

    curator = make_user("curator")
    a, b, c = make_works(count=3, state=WorkStatus.SHORTLISTED)
    _judge(curator, [(a.id, b.id, LEFT), (b.id, c.id, LEFT)])
    refresh_strengths()
    remove_work(work=b)
    assert refresh_strengths() is True
    assert db.session.scalar(select(func.count()).select_from(Comparison)) == 0
    assert db.session.scalar(select(func.count()).select_from(PairwiseStrength)) == 0
    assert stored_fit().strengths == {}
