"""Benchmark the curators' gallery page against a trivial page of the same server.

Run: .venv/bin/python bench/bench_gallery.py [--works 10000] [--seconds 10] [--tool auto]

Builds a temporary SQLite database with 10,000 works (rows plus tiny shared derivative files,
no intake), 5 curators and their votes; starts ``gunicorn wsgi:app`` with 2 workers on a free
loopback port; logs a curator in through the login form; then measures, in the same run and
for the same time each, the trivial page ``/healthz`` (plus a static file and the public home
page for context) and ``/curate`` (first page of 60 cards, the default shuffled order, votes
aggregated in SQL). Goal: /curate serves at least 40 % of /healthz's requests per second.
Only loopback traffic. Load: ``wrk`` when installed (one thread, so the CPUs stay with
gunicorn), else a small threaded ``http.client`` generator (``--tool python``).
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from gallery import create_app  # noqa: E402
from gallery.extensions import db  # noqa: E402
from gallery.models import DuplicatePair, Entry, Licence, Vote, Work  # noqa: E402

GOAL = 0.40
CURATORS = 5
# A throw-away account in a temporary database that is deleted after the run.
PASSWORD = "bench curator walks the long harbour 42"  # noqa: S105
WIDTHS = (320, 640)
SEED = 20240611
HOST = "127.0.0.1"


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def webp(width: int) -> bytes:
    """Return one small WebP shared by every work (the grid never decodes it)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, width * 3 // 4), (200, 30, 40)).save(buffer, "WEBP")
    return buffer.getvalue()


def populate(app, upload_dir: Path, works: int) -> list[str]:
    """Fill the database: entries of 1–4 works, curators, ~70 % coverage of votes."""
    from gallery.accounts.operations import create_user

    rng = random.Random(SEED)
    start = datetime.now(UTC) - timedelta(days=30)
    shared = {w: upload_dir / f"shared-{w}.webp" for w in WIDTHS}
    for width, path in shared.items():
        path.write_bytes(webp(width))
    (upload_dir / "files").mkdir(parents=True, exist_ok=True)
    with app.app_context():
        db.create_all()
        entries, rows, made = [], [], 0
        while made < works:
            entry_id = len(entries) + 1
            entries.append(
                {
                    "id": entry_id,
                    "credit": f"Artist {entry_id}",
                    "licence": Licence.CAMPAIGN,
                    "consent_publish": rng.random() < 0.9,
                    "consent_print": rng.random() < 0.8,
                    "claim_hash": f"{entry_id:064x}",
                    "created_at": start + timedelta(seconds=made * 60),
                }
            )
            for position in range(min(rng.randint(1, 4), works - made)):
                made += 1
                has_alpha = rng.random() < 0.3
                rows.append(
                    {
                        "id": made,
                        "entry_id": entry_id,
                        "position": position,
                        "title": f"Sticker {made}",
                        "file_token": f"bench{made:06d}",
                        "master_ext": "png",
                        "derivative_widths": ",".join(map(str, WIDTHS)),
                        "width": 1600,
                        "height": 1200,
                        "has_alpha": has_alpha,
                        "content_sha256": f"{made:064x}",
                        "phash": f"{rng.getrandbits(64):016x}",
                        "created_at": start + timedelta(seconds=made * 60),
                    }
                )
        db.session.execute(insert(Entry), entries)
        db.session.execute(insert(Work), rows)
        logins = []
        for number in range(1, CURATORS + 1):
            user = create_user(
                login=f"curator{number}", password=PASSWORD, roles=["curator"], decider=number == 1
            )
            logins.append(user.login)
            chosen = rng.sample(range(1, works + 1), k=int(works * 0.7))
            db.session.execute(
                insert(Vote),
                [{"user_id": user.id, "work_id": w, "score": rng.randint(1, 5)} for w in chosen],
            )
        pairs = {tuple(sorted(rng.sample(range(1, works + 1), 2))) for _ in range(50)}
        db.session.execute(
            insert(DuplicatePair),
            [{"first_id": a, "second_id": b, "distance": rng.randint(0, 10)} for a, b in pairs],
        )
        db.session.commit()
        db.engine.dispose()
    # Hard links: 10,000 works' derivatives without 10,000 copies.
    for row in rows:
        for width in WIDTHS:
            os.link(shared[width], upload_dir / "files" / f"{row['file_token']}-w{width}.webp")
    return logins


def start_server(env: dict, port: int, log: Path) -> subprocess.Popen:
    """Start gunicorn with 2 sync workers on the loopback port and wait until it answers."""
    # Its log goes to a file: an undrained pipe fills up and then blocks the workers.
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "wsgi:app", "-w", "2", "-b", f"{HOST}:{port}"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", "/healthz")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not start: " + log.read_text(errors="replace")[-2000:])


def stop_server(server: subprocess.Popen) -> None:
    """Stop the gunicorn we started (its own process group, nothing else)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def request(port: int, method: str, path: str, body: str = "", cookie: str = ""):
    """Send one request; return status, headers and body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    data = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, response.headers, data


def session_from(headers) -> str:
    """Return the ``session=…`` pair a response sets."""
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("session="):
            return value.split(";", 1)[0]
    return ""


def log_in(port: int, login: str) -> str:
    """Log in through the real form (CSRF included) and return the session cookie."""
    status, headers, html = request(port, "GET", "/login")
    cookie = session_from(headers)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', html).group(1)
    form = urlencode({"csrf_token": token, "login": login, "password": PASSWORD})
    status, headers, _ = request(port, "POST", "/login", form, cookie)
    if status != 303:
        raise SystemExit(f"login failed with {status}")
    return session_from(headers) or cookie


def load_python(port: int, path: str, seconds: float, connections: int, cookie: str) -> dict:
    """Hammer ``path`` from ``connections`` threads for ``seconds``; count 200 answers."""
    counts = [0] * connections
    errors = [0] * connections
    stop = time.monotonic() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def worker(slot: int) -> None:
        """Send requests back to back until the time is up."""
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < stop:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[slot] += 1
                else:
                    errors[slot] += 1
            except (OSError, http.client.HTTPException):
                errors[slot] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"ok": sum(counts), "errors": sum(errors), "seconds": elapsed}


def load_wrk(port: int, path: str, seconds: float, connections: int, cookie: str) -> dict:
    """Run wrk (one thread, to leave the CPUs to gunicorn) against ``path``."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    total, elapsed, unit = re.search(r"(\d+) requests in ([\d.]+)(m?s)", output).groups()
    seconds = float(elapsed) / (1000 if unit == "ms" else 1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    refused = int(bad.group(1)) if bad else 0
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = refused
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return {"ok": int(total) - refused, "errors": errors, "seconds": seconds}


def main() -> None:
    """Build the data, start the server, measure, print the figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per page")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args()
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    load = load_wrk if tool == "wrk" else load_python

    workdir = Path(tempfile.mkdtemp(prefix="bench-gallery-"))
    upload_dir = workdir / "uploads"
    upload_dir.mkdir()
    config = {
        "DATABASE_URL": f"sqlite:///{workdir / 'gallery.sqlite3'}",
        "UPLOAD_DIR": str(upload_dir),
        "SECRET_KEY": "bench-" + os.urandom(8).hex(),
    }
    server = None
    try:
        began = time.monotonic()
        app = create_app({**config, "RATELIMIT_ENABLED": False})
        logins = populate(app, upload_dir, args.works)
        print(f"data: {args.works} works, {CURATORS} curators ({time.monotonic() - began:.1f} s)")
        env = {**os.environ, **{f"GALLERY_{k}": v for k, v in config.items()}}
        port = free_port()
        server = start_server(env, port, workdir / "gunicorn.log")
        cookie = log_in(port, logins[1])
        status, _, html = request(port, "GET", "/curate", cookie=cookie)
        cards = html.count('<li class="card')
        if status != 200 or not cards:
            raise SystemExit(f"/curate answered {status} with {cards} cards")
        print(f"/curate: {cards} cards per page; load: {tool}, {args.connections} connections")
        targets = [
            ("static file", "/static/style.css", ""),
            ("health check (trivial page)", "/healthz", ""),
            ("public home page", "/", ""),
            ("curators' gallery", "/curate", cookie),
        ]
        for _, path, jar in targets:
            load(port, path, 2, args.connections, jar)  # warm-up
        # Interleaved rounds: a neighbour's burst of CPU use hits every page alike.
        totals = {path: {"ok": 0, "errors": 0, "seconds": 0.0} for _, path, _ in targets}
        slice_ = args.seconds / args.rounds
        for _ in range(args.rounds):
            for _, path, jar in targets:
                result = load(port, path, slice_, args.connections, jar)
                totals[path]["ok"] += result["ok"]
                totals[path]["errors"] += result["errors"]
                totals[path]["seconds"] += result["seconds"]
        results = {}
        for label, path, _ in targets:
            total = totals[path]
            results[path] = total["ok"] / total["seconds"] if total["seconds"] else 0.0
            print(
                f"{label:28} {path:18} {results[path]:8.1f} req/s"
                f"  ({total['ok']} ok, {total['errors']} errors, {args.seconds:g} s"
                f" in {args.rounds} rounds)"
            )
        gallery = results["/curate"]
        ratio = gallery / results["/healthz"]
        verdict = "met" if ratio >= GOAL else "NOT met"
        print(f"ratio /curate / /healthz:           {ratio:6.1%}  (goal >= {GOAL:.0%}: {verdict})")
        print(f"ratio /curate / static file:        {gallery / results['/static/style.css']:6.1%}")
        print(f"ratio /curate / public home page:   {gallery / results['/']:6.1%}")
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
