"""Benchmark pairwise curation through its storage layer: 1,000 works, 10,000 stored comparisons.

Run: .venv/bin/python bench/bench_pairwise_web.py [--works 1000] [--comparisons 10000]

Builds a temporary SQLite database (deleted afterwards) with shortlisted works, 5 curators and
their stored comparisons, then times what a curator's request does:
  - choosing and reserving the next pair (``reserve_next_pair``: the curator's seen pairs,
    live reservations, per-work counts, the stored fit, ``next_pair``, the INSERT), warm (this
    process has the counts and the stored fit cached) and cold (caches emptied first, as in a
    fresh worker);
  - a whole answer (``answer_pair``: record, refit when due, top the queue up to two pairs);
  - a refit with its write of every strength (``refresh_strengths``).
Goal: next pair through storage < 50 ms.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from gallery import create_app  # noqa: E402
from gallery.curation import pairwise_fit  # noqa: E402
from gallery.curation.pairwise.operations import (  # noqa: E402
    answer_pair,
    hand_out,
    refresh_strengths,
    reserve_next_pair,
)
from gallery.extensions import db  # noqa: E402
from gallery.models import (  # noqa: E402
    Comparison,
    ComparisonOutcome,
    Entry,
    Licence,
    PairPool,
    PairReservation,
    User,
    Work,
    WorkStatus,
)

CURATORS = 5
RUNS = 60
SEED = 20250611
POOL = PairPool.SHORTLISTED


def populate(works: int, comparisons: int, rng: random.Random) -> list[int]:
    """Insert works, curators and judged comparisons; return the curator ids."""
    now = datetime.now(UTC)
    db.session.execute(
        insert(Entry),
        [
            {"id": i, "licence": Licence.CAMPAIGN, "claim_hash": f"{i:064x}", "created_at": now}
            for i in range(1, works + 1)
        ],
    )
    db.session.execute(
        insert(Work),
        [
            {
                "id": i,
                "entry_id": i,
                "title": f"Sticker {i}",
                "status": WorkStatus.SHORTLISTED,
                "file_token": f"bench{i:06d}",
                "master_ext": "png",
                "derivative_widths": "320,640",
                "width": 1600,
                "height": 1200,
                "content_sha256": f"{i:064x}",
                "phash": f"{rng.getrandbits(64):016x}",
                "created_at": now,
            }
            for i in range(1, works + 1)
        ],
    )
    users = [User(login=f"curator{n}", password_hash="", roles="curator") for n in range(CURATORS)]
    db.session.add_all(users)
    db.session.flush()
    truth = {i: 1.5 * rng.gauss(0, 1) for i in range(1, works + 1)}
    seen: set[tuple[int, int, int]] = set()
    rows = []
    while len(rows) < comparisons:
        user = users[len(rows) % CURATORS].id
        a, b = rng.sample(range(1, works + 1), 2)
        if (user, min(a, b), max(a, b)) in seen:
            continue
        seen.add((user, min(a, b), max(a, b)))
        p = 1 / (1 + math.exp(truth[b] - truth[a]))
        u = rng.random()
        outcome = ComparisonOutcome.LEFT if u < p else ComparisonOutcome.RIGHT
        if abs(u - p) < 0.02:
            outcome = ComparisonOutcome.TIE
        elif rng.random() < 0.02:
            outcome = ComparisonOutcome.SKIP
        rows.append(
            {"user_id": user, "left_id": a, "right_id": b, "outcome": outcome, "pool": POOL}
        )
    db.session.execute(insert(Comparison), rows)
    db.session.commit()
    return [u.id for u in users]


def ms(seconds: list[float]) -> str:
    """Median, 95th percentile and maximum in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms over {len(ordered)}"
    )


def time_reservations(user: User, rng: random.Random, *, cold: bool) -> list[float]:
    """Time reserve_next_pair + commit; each reservation is released again afterwards."""
    times = []
    for _ in range(RUNS):
        if cold:
            pairwise_fit._cache.clear()
        start = time.perf_counter()
        reservation = reserve_next_pair(user=user, pool=POOL, rng=rng)
        db.session.commit()
        times.append(time.perf_counter() - start)
        assert reservation is not None
        db.session.delete(reservation)
        db.session.commit()
    return times


def time_answers(user: User, rng: random.Random, judge: random.Random) -> list[float]:
    """Time whole answers (record, refit when due, queue top-up), as the answer view does."""
    held = hand_out(user=user, pool=POOL, rng=rng)
    db.session.commit()
    times = []
    for _ in range(RUNS):
        left, right = (db.session.get(Work, i) for i in held[0].sides)
        outcome = judge.choice([ComparisonOutcome.LEFT, ComparisonOutcome.RIGHT])
        start = time.perf_counter()
        held = answer_pair(user=user, left=left, right=right, outcome=outcome, pool=POOL, rng=rng)
        db.session.commit()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Build the data, time each step, print the figures against the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=1_000)
    parser.add_argument("--comparisons", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    logging.disable(logging.INFO)  # one log line per answer would drown the figures
    workdir = Path(tempfile.mkdtemp(prefix="bench-pairwise-"))
    try:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{workdir / 'gallery.sqlite3'}",
                "UPLOAD_DIR": str(workdir / "uploads"),
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.test_request_context():
            db.create_all()
            began = time.perf_counter()
            ids = populate(args.works, args.comparisons, rng)
            print(
                f"data: {args.works} works, {args.comparisons} comparisons, {CURATORS} curators "
                f"({time.perf_counter() - began:.1f} s)"
            )
            start = time.perf_counter()
            refresh_strengths(force=True)
            db.session.commit()
            refit = [time.perf_counter() - start]
            print(f"refresh_strengths (fit + store every strength): {ms(refit)}")
            user = db.session.get(User, ids[0])
            seen = db.session.scalar(select(db.func.count()).where(Comparison.user_id == user.id))
            print(f"curator has seen {seen} pairs")
            warm = time_reservations(user, rng, cold=False)
            cold = time_reservations(user, rng, cold=True)
            print(f"next pair through storage, warm: {ms(warm)} (goal < 50 ms)")
            print(f"next pair through storage, cold: {ms(cold)} (goal < 50 ms)")
            answers = time_answers(user, rng, random.Random(SEED + 1))
            print(f"whole answer (record, refit when due, 2 pairs held): {ms(answers)}")
            left = db.session.scalar(select(db.func.count()).select_from(PairReservation))
            print(f"reservations held at the end: {left}")
            db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
