"""Load test: concurrent uploads and votes against gunicorn, then an integrity audit.

    .venv/bin/python bench/load_test.py                      # SQLite
    .venv/bin/python bench/load_test.py --postgres URL       # PostgreSQL (an admin URL)

200 uploads from 16 concurrent clients, then 320 concurrent votes (plus repeated votes on the
same curator/work pairs racing each other). Afterwards the database and the file store are
checked: no server errors, no lost or duplicated rows, no orphan files. Loopback only.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from PIL import Image
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PASSWORD = "load-test-password-123"  # noqa: S105  (throw-away accounts in a temp database)


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique_png(n: int) -> bytes:
    """Return a small PNG whose pixels differ per ``n`` (no accidental duplicates)."""
    image = Image.new("RGB", (160, 120), ((n * 37) % 256, (n * 91) % 256, (n * 13) % 256))
    for i in range(12):
        image.putpixel(((n + i * 7) % 160, (n * 3 + i) % 120), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def hidden(html: str, name: str) -> str:
    """Return a hidden input's value."""
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    if not match:
        raise RuntimeError(f"no {name} in form")
    return match.group(1)


def upload(base: str, n: int) -> int:
    """Submit one entry as a fresh visitor; return the final status code."""
    with requests.Session() as web:
        form = web.get(f"{base}/submit", timeout=60).text
        data = {
            "csrf_token": hidden(form, "csrf_token"),
            "started": hidden(form, "started"),
            "credit": f"Load artist {n}",
            "consent_publish": "y",
            "consent_print": "y",
            "licence": "campaign",
            "images-0-title": f"Work {n}",
        }
        files = {"images-0-file": (f"w{n}.png", unique_png(n), "image/png")}
        response = web.post(
            f"{base}/submit", data=data, files=files, allow_redirects=False, timeout=120
        )
        return response.status_code


def log_in(base: str, login: str) -> requests.Session:
    """Return a session logged in as ``login``."""
    web = requests.Session()
    form = web.get(f"{base}/login", timeout=60).text
    response = web.post(
        f"{base}/login",
        data={"csrf_token": hidden(form, "csrf_token"), "login": login, "password": PASSWORD},
        allow_redirects=False,
        timeout=60,
    )
    if response.status_code != 303:
        raise RuntimeError(f"login failed for {login}: {response.status_code}")
    return web


def vote(web: requests.Session, base: str, csrf: str, work_id: int, score: int) -> int:
    """Cast one vote without JavaScript, as the work page's form does."""
    response = web.post(
        f"{base}/curate/works/{work_id}/vote",
        data={"csrf_token": csrf, "score": str(score)},
        allow_redirects=False,
        timeout=60,
    )
    return response.status_code


def run(database_url: str, workdir: Path, *, uploads: int, clients: int, votes: int) -> dict:
    """Run the whole scenario against one database; return the figures."""
    env = {
        **os.environ,
        "GALLERY_DATABASE_URL": database_url,
        "GALLERY_UPLOAD_DIR": str(workdir / "uploads"),
        "GALLERY_SECRET_KEY": uuid.uuid4().hex,
        "GALLERY_RATELIMIT_ENABLED": "false",
        "GALLERY_SUBMIT_MIN_SECONDS": "0",
        "GALLERY_MIN_IMAGE_SIDE": "64",
        "GALLERY_PENDING_UPLOAD_SECONDS": "0",
    }
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    curators = [f"curator{i}" for i in range(8)]
    for login in curators:
        subprocess.run(
            [*flask, "user", "create", login, "--role", "curator"],
            cwd=ROOT,
            env=env,
            input=PASSWORD + "\n",
            text=True,
            check=True,
            capture_output=True,
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            "4",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            upload_codes = list(pool.map(lambda n: upload(base, n), range(uploads)))
        upload_seconds = time.perf_counter() - started

        engine = create_engine(database_url)
        with engine.connect() as db:
            work_ids = [row[0] for row in db.execute(text("SELECT id FROM works ORDER BY id"))]
        sessions = {login: log_in(base, login) for login in curators}
        tokens = {
            login: hidden(
                web.get(f"{base}/curate/works/{work_ids[0]}", timeout=60).text, "csrf_token"
            )
            for login, web in sessions.items()
        }
        per_curator = votes // len(curators)
        planned = [
            (login, work_ids[(i * 7 + k) % len(work_ids)], 1 + (i + k) % 5)
            for i, login in enumerate(curators)
            for k in range(per_curator)
        ]
        # Every fourth pair is voted again at the same moment with another score: a race.
        racing = [(login, work, 6 - score) for login, work, score in planned[::4]]
        barrier = threading.Barrier(min(64, len(planned) + len(racing)))

        def cast(job: tuple[str, int, int]) -> int:
            """Wait for the others, then vote."""
            login, work, score = job
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)
            return vote(sessions[login], base, tokens[login], work, score)

        started = time.perf_counter()
        with ThreadPoolExecutor(64) as pool:
            vote_codes = list(pool.map(cast, planned + racing))
        vote_seconds = time.perf_counter() - started

        with engine.connect() as db:
            entries = db.execute(text("SELECT count(*) FROM entries")).scalar()
            works = db.execute(text("SELECT count(*) FROM works")).scalar()
            vote_rows = db.execute(text("SELECT count(*) FROM votes")).scalar()
            duplicates = db.execute(
                text(
                    "SELECT count(*) FROM (SELECT user_id, work_id FROM votes "
                    "GROUP BY user_id, work_id HAVING count(*) > 1) AS d"
                )
            ).scalar()
            tokens_in_db = {row[0] for row in db.execute(text("SELECT file_token FROM works"))}
        engine.dispose()
        files = [p for p in (workdir / "uploads" / "files").glob("*") if p.is_file()]
        orphans = [p.name for p in files if re.split(r"[-.]", p.name)[0] not in tokens_in_db]
        missing = [t for t in tokens_in_db if not any(p.name.startswith(t) for p in files)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    expected_votes = len({(login, work) for login, work, _ in planned})
    return {
        "uploads": uploads,
        "upload_5xx": sum(code >= 500 for code in upload_codes),
        "upload_ok": sum(code == 303 for code in upload_codes),
        "uploads_per_s": uploads / upload_seconds,
        "entries": entries,
        "works": works,
        "votes_sent": len(planned) + len(racing),
        "vote_5xx": sum(code >= 500 for code in vote_codes),
        "vote_rows": vote_rows,
        "expected_vote_rows": expected_votes,
        "duplicate_vote_rows": duplicates,
        "votes_per_s": (len(planned) + len(racing)) / vote_seconds,
        "orphan_files": len(orphans),
        "works_missing_files": len(missing),
    }


def fresh_postgres(admin_url: str) -> tuple[str, str]:
    """Create an empty database for the run; return (url, name)."""
    name = f"gallery_load_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres(admin_url: str, name: str) -> None:
    """Drop the run's database."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as db:
        db.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    engine.dispose()


def main() -> int:
    """Run on SQLite, and on PostgreSQL when a URL is given; print a table; exit 1 on faults."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("GALLERY_TEST_POSTGRES_URL"))
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--votes", type=int, default=320)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        results["sqlite"] = run(
            f"sqlite:///{sqlite_dir / 'load.sqlite3'}",
            sqlite_dir,
            uploads=args.uploads,
            clients=args.clients,
            votes=args.votes,
        )
        if args.postgres:
            pg_dir = Path(tmp) / "postgres"
            pg_dir.mkdir()
            url, name = fresh_postgres(args.postgres)
            try:
                results["postgresql"] = run(
                    url, pg_dir, uploads=args.uploads, clients=args.clients, votes=args.votes
                )
            finally:
                drop_postgres(args.postgres, name)
    keys = list(next(iter(results.values())))
    print("metric".ljust(22) + "".join(db.rjust(14) for db in results))
    for key in keys:
        cells = []
        for figures in results.values():
            value = figures[key]
            cells.append(f"{value:14.1f}" if isinstance(value, float) else f"{value:14d}")
        print(key.ljust(22) + "".join(cells))
    faults = [
        db
        for db, r in results.items()
        if r["upload_5xx"]
        or r["vote_5xx"]
        or r["orphan_files"]
        or r["works_missing_files"]
        or r["duplicate_vote_rows"]
        or r["vote_rows"] != r["expected_vote_rows"]
        or r["entries"] != r["upload_ok"]
        or r["works"] != r["upload_ok"]
    ]
    print("OK" if not faults else f"FAULTS in {', '.join(faults)}")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
