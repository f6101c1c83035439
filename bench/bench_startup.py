"""Benchmark the app's start-up against the framework it is built on.

Run: .venv/bin/python bench/bench_startup.py [--runs N]

Every ``flask --app wsgi …`` command and every gunicorn worker builds the app first, so what
the app loads at import time is paid again and again. Each figure is the median of N fresh
processes, beside the same figure for a process that imports only the framework floor (Flask,
Flask-SQLAlchemy, Flask-WTF, Flask-Babel and Pillow):

(a) import: seconds spent importing ``wsgi`` (which builds the app) in a fresh interpreter,
    against importing the floor;
(b) command: wall time of the whole ``flask --app wsgi works list`` process on an empty
    database (temporary SQLite and upload folder, after ``db upgrade``), against a whole
    process that imports the floor;
(c) memory: peak resident memory (max RSS) of a process after importing ``wsgi``, against one
    after importing the floor.

Goals: (a) <= 2x, (b) <= 2.5x, (c) <= 2x. Runs on a quiet machine give the steadiest figures:
other processes competing for the CPUs slow both sides, but not always alike.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOOR = "import flask, flask_sqlalchemy, flask_wtf, flask_babel, PIL.Image"
APP = "import wsgi"
GOALS = {"import": 2.0, "command": 2.5, "memory": 2.0}
# Run inside each fresh process: time the import, then report it with the peak memory.
PROBE = """
import json, resource, sys, time
started = time.perf_counter()
exec(sys.argv[1])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "max_rss_kb": peak}))
"""


def probe(statement: str, env: dict) -> dict:
    """Run ``statement`` in a fresh interpreter; return its import seconds and peak memory."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, statement],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def wall(command: list[str], env: dict) -> float:
    """Return the wall time of one whole process running ``command``."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def median_pairs(runs: int, floor, app) -> tuple[float, float]:
    """Return the medians of ``runs`` alternating calls of ``floor`` and ``app``."""
    floors, apps = [], []
    for _ in range(runs):
        # Alternating: a neighbour's burst of CPU use slows both sides alike.
        floors.append(floor())
        apps.append(app())
    return statistics.median(floors), statistics.median(apps)


def main() -> int:
    """Prepare an empty database, measure each pair, print the table; exit 1 on a missed goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per figure")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        env = {
            **os.environ,
            "GALLERY_DATABASE_URL": f"sqlite:///{workdir / 'gallery.sqlite3'}",
            "GALLERY_UPLOAD_DIR": str(workdir / "uploads"),
            # Set, so no process writes a development key into the instance folder.
            "GALLERY_SECRET_KEY": "bench-" + os.urandom(8).hex(),
            "GALLERY_LOG_FORMAT": "none",
        }
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        upgrade = [*flask, "db", "upgrade"]
        subprocess.run(upgrade, cwd=ROOT, env=env, check=True, capture_output=True)
        # One untimed pass of each, so neither side pays for writing bytecode caches.
        probe(FLOOR, env)
        probe(APP, env)
        wall([*flask, "works", "list"], env)

        rows = []
        floor, app = median_pairs(
            args.runs, lambda: probe(FLOOR, env)["seconds"], lambda: probe(APP, env)["seconds"]
        )
        rows.append(("import", "(a) import wsgi", floor, app, "s"))
        floor, app = median_pairs(
            args.runs,
            lambda: wall([sys.executable, "-c", FLOOR], env),
            lambda: wall([*flask, "works", "list"], env),
        )
        rows.append(("command", "(b) flask --app wsgi works list", floor, app, "s"))
        floor, app = median_pairs(
            args.runs,
            lambda: probe(FLOOR, env)["max_rss_kb"] / 1024,
            lambda: probe(APP, env)["max_rss_kb"] / 1024,
        )
        rows.append(("memory", "(c) peak memory after import", floor, app, "MiB"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"{'measure':<34} {'floor':>9} {'app':>9} {'ratio':>6} {'goal':>6}  verdict")
    missed = 0
    for key, label, floor, app, unit in rows:
        ratio = app / floor
        met = ratio <= GOALS[key]
        missed += not met
        digits = 3 if unit == "s" else 1
        print(
            f"{label:<34} {floor:>7.{digits}f}{unit:>2} {app:>7.{digits}f}{unit:>2}"
            f" {ratio:>6.2f} {GOALS[key]:>5.1f}x  {'met' if met else 'NOT met'}"
        )
    print(f"median of {args.runs} fresh processes each; floor: {FLOOR.removeprefix('import ')}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
