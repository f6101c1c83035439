"""Benchmark the static mirror against `wget --mirror` of the same live site.

Run: .venv/bin/python bench/bench_mirror.py [--quick] [--works N] [--keep]
Needs Debian's wget for the comparison (apt-get install -y wget).

Seeds a temporary SQLite database with 10,000 published works (1,000 with --quick): entries
of 1–4 works, one credit each (a tenth anonymous), three WebP sizes per work (hard links of a
few shared files, so seeding is quick; the mirror and wget still copy every one), and a
published sticker pack. Then, in the same run:

1. a full mirror into an empty folder,
2. a run with nothing changed,
3. a run after one change (one work's title),
4. a run after one work was withdrawn (for information: it moves every later gallery page),
5. `wget --mirror` of the same site served by gunicorn (2 workers) on loopback: page
   requisites, converted links, no robots.txt. The live site picks the language from a
   cookie, so wget crawls once per configured language (with that cookie, the language
   switch skipped) and the times add up: the same pages the mirror writes.

Each mirror run is a child process that builds the app from GALLERY_* variables, as
`flask --app wsgi mirror DEST` does, and reports its start-up and its mirror time apart; the
peak memory (maxrss) is the child's own. Goals: a full mirror (start-up included) at least 3×
faster than wget's crawl, a one-change run under 5 % of the full run (mirror time), peak
memory under 300 MB at 10,000 works. Only loopback traffic.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_gallery import HOST, free_port, start_server, stop_server  # noqa: E402
from sqlalchemy import insert, update  # noqa: E402

from gallery import create_app  # noqa: E402
from gallery.extensions import db  # noqa: E402
from gallery.models import (  # noqa: E402
    Entry,
    Export,
    ExportState,
    Licence,
    Pack,
    Work,
    WorkStatus,
)

WIDTHS = (320, 640, 1280)
VARIANTS = 12
SEED = 20250316
GOAL_SPEED, GOAL_CHANGE, GOAL_MEMORY_MB = 3.0, 0.05, 300

# The child: the app from GALLERY_* (as the flask command builds it), then one mirror run.
CHILD = r"""
import json, sys, time
began = time.perf_counter()
from wsgi import app
from gallery.public.mirror.links import LinkStyle
from gallery.public.mirror.operations import mirror_site
ready = time.perf_counter()
with app.app_context():
    report = mirror_site(sys.argv[1], style=LinkStyle())
done = time.perf_counter()
print(json.dumps({"startup": ready - began, "mirror": done - ready, "files": report.files,
                  "written": report.written, "removed": report.removed}))
"""


def webp(width: int, variant: int) -> bytes:
    """Return a WebP with shapes and a gradient (compresses like flat sticker art)."""
    height = width * 3 // 4
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 4):
        draw.rectangle((0, y, width, y + 4), fill=(y * 255 // height, 40 + variant * 17, 120))
    rng = random.Random(variant)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(width // 20, width // 5)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=80)
    return buffer.getvalue()


def pdf() -> bytes:
    """Return a two-page A4 PDF standing for a pack's sheets."""
    import pikepdf

    document = pikepdf.new()
    for _ in range(2):
        document.add_blank_page(page_size=(595.276, 841.89))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def populate(app, upload_dir: Path, works: int) -> int:
    """Fill the database with published works and one pack; return the bytes of one copy."""
    rng = random.Random(SEED)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    (upload_dir / "files").mkdir(parents=True)
    shared = {}
    for variant in range(VARIANTS):
        for width in WIDTHS:
            path = upload_dir / f"shared-{variant}-{width}.webp"
            path.write_bytes(webp(width, variant))
            shared[variant, width] = path
    licences = list(Licence)
    with app.app_context():
        db.create_all()
        entries, rows, made = [], [], 0
        while made < works:
            entry_id = len(entries) + 1
            entries.append(
                {
                    "id": entry_id,
                    "credit": "" if entry_id % 10 == 0 else f"Artist {entry_id}",
                    "licence": licences[entry_id % len(licences)],
                    "consent_publish": True,
                    "consent_print": True,
                    "claim_hash": f"{entry_id:064x}",
                    "created_at": start,
                }
            )
            for position in range(min(rng.randint(1, 4), works - made)):
                made += 1
                rows.append(
                    {
                        "id": made,
                        "entry_id": entry_id,
                        "position": position,
                        "title": f"Sticker {made}",
                        "status": WorkStatus.ACCEPTED,
                        "published": True,
                        "file_token": f"bench{made:06d}",
                        "master_ext": "png",
                        "derivative_widths": ",".join(map(str, WIDTHS)),
                        "width": 1600,
                        "height": 1200,
                        "has_alpha": False,
                        "content_sha256": f"{made:064x}",
                        "phash": f"{rng.getrandbits(64):016x}",
                        "created_at": start + timedelta(minutes=made),
                    }
                )
        db.session.execute(insert(Entry), entries)
        db.session.execute(insert(Work), rows)
        data = pdf()
        (upload_dir / "exports").mkdir()
        (upload_dir / "exports" / "bench.pdf").write_bytes(data)
        export = Export(
            layout_id="bench",
            layout_name="Bench layout",
            options="{}",
            state=ExportState.DONE,
            sheets=2,
            pdf_key="exports/bench.pdf",
            pdf_size=len(data),
        )
        db.session.add(export)
        db.session.flush()
        db.session.add(
            Pack(export_id=export.id, title="Bench pack", published=True, published_at=start)
        )
        db.session.commit()
        db.engine.dispose()
    for row in rows:
        variant = row["id"] % VARIANTS
        for width in WIDTHS:
            target = upload_dir / "files" / f"{row['file_token']}-w{width}.webp"
            os.link(shared[variant, width], target)
    per_work = sum(shared[0, w].stat().st_size for w in WIDTHS)
    return per_work * works


def mirror_run(env: dict, dest: Path) -> dict:
    """Run one mirror in a child process; return its times, counts and peak memory."""
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(dest)], cwd=ROOT, env=env, stdout=subprocess.PIPE
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - began
    if child.returncode != 0:
        raise SystemExit(f"mirror run failed with {child.returncode}")
    result = json.loads(output)
    result.update(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mb=usage.ru_maxrss / 1024)
    return result


def wget_crawl(port: int, folder: Path, language: str) -> dict:
    """Mirror the live site in ``language`` with wget; return time, files and requests."""
    command = [
        "wget",
        "--header",
        f"Cookie: lang={language}",
        "--mirror",
        "--page-requisites",
        "--convert-links",
        "--adjust-extension",
        "--no-host-directories",
        "-e",
        "robots=off",
        "--no-verbose",
        "--reject-regex",
        "/language/",
        "-P",
        str(folder),
        f"http://{HOST}:{port}/",
    ]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    # wget exits 8 when any request got an error answer (the 404 of a missing favicon, …).
    requests = sum(1 for line in done.stderr.splitlines() if " URL:" in line)
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    return {"wall": wall, "files": files, "requests": requests, "exit": done.returncode}


def change_title(database: str, work_id: int) -> None:
    """Give one work a new title, as a curator's edit would."""
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "bench", "LOG_FORMAT": "none"})
    with app.app_context():
        db.session.execute(update(Work).where(Work.id == work_id).values(title="Renamed"))
        db.session.commit()
        db.engine.dispose()


def withdraw(database: str, work_id: int) -> None:
    """Withdraw one work, as its artist would."""
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": "bench", "LOG_FORMAT": "none"})
    with app.app_context():
        db.session.execute(
            update(Work)
            .where(Work.id == work_id)
            .values(status=WorkStatus.WITHDRAWN, published=False, selected=False)
        )
        db.session.commit()
        db.engine.dispose()


def row(label: str, run: dict) -> str:
    """Format one mirror run as a table row."""
    return (
        f"| {label} | {run['wall']:.1f} s | {run['mirror']:.2f} s | {run['startup']:.1f} s "
        f"| {run['cpu']:.1f} s | {run['written']:,} written, {run['removed']:,} removed "
        f"of {run['files']:,} | {run['rss_mb']:.0f} MB |"
    )


def main() -> None:
    """Seed, mirror four times, crawl with wget, print the table and the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 works instead of 10,000")
    parser.add_argument("--works", type=int, help="how many published works")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    works = args.works or (1_000 if args.quick else 10_000)
    if shutil.which("wget") is None:
        raise SystemExit("wget is needed for the comparison: apt-get install -y wget")
    workdir = Path(tempfile.mkdtemp(prefix="bench-mirror-"))
    upload_dir = workdir / "uploads"
    database = f"sqlite:///{workdir / 'gallery.sqlite3'}"
    config = {"DATABASE_URL": database, "UPLOAD_DIR": str(upload_dir), "SECRET_KEY": "bench"}
    env = {
        **os.environ,
        **{f"GALLERY_{k}": v for k, v in config.items()},
        "GALLERY_LOG_FORMAT": "none",
        "GALLERY_RATELIMIT_ENABLED": "false",
    }
    server = None
    began = time.monotonic()
    try:
        size = populate(create_app({**config, "LOG_FORMAT": "none"}), upload_dir, works)
        print(
            f"data: {works:,} published works, {size / 2**20:,.0f} MiB of WebP per copy "
            f"({time.monotonic() - began:.0f} s)",
            flush=True,
        )
        dest = workdir / "mirror"
        runs = {"full mirror (empty DEST)": mirror_run(env, dest)}
        runs["no change"] = mirror_run(env, dest)
        change_title(database, works // 2)
        runs["one change (a title)"] = mirror_run(env, dest)
        withdraw(database, works // 2)
        runs["one work withdrawn"] = mirror_run(env, dest)
        for label, run in runs.items():
            print(f"{label}: {run['wall']:.1f} s", flush=True)
        port = free_port()
        server = start_server(env, port, workdir / "gunicorn.log")
        languages = list(create_app({**config, "LOG_FORMAT": "none"}).config["LANGUAGES"])
        crawls = [wget_crawl(port, workdir / "wget" / code, code) for code in languages]
        crawl = {key: sum(c[key] for c in crawls) for key in ("wall", "files", "requests")} | {
            "exit": max(c["exit"] for c in crawls)
        }
        full, change = runs["full mirror (empty DEST)"], runs["one change (a title)"]
        print()
        print("| run | wall | mirror | start-up | CPU | files | peak memory |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for label, run in runs.items():
            print(row(label, run))
        print(
            f"| wget --mirror ({len(languages)} languages, one crawl each) "
            f"| {crawl['wall']:.1f} s | | | "
            f"| {crawl['files']:,} files, {crawl['requests']:,} requests (exit {crawl['exit']}) | |"
        )
        speed = crawl["wall"] / full["wall"]
        share = change["mirror"] / full["mirror"]
        peak = max(run["rss_mb"] for run in runs.values())
        print()
        verdict = {True: "met", False: "NOT met"}
        print(
            f"full mirror vs wget: {speed:.1f}x faster (goal >= {GOAL_SPEED:g}x: "
            f"{verdict[speed >= GOAL_SPEED]})"
        )
        print(
            f"one change vs full: {share:.1%} of the mirror time, "
            f"{change['wall'] / full['wall']:.1%} of the wall time with start-up "
            f"(goal < {GOAL_CHANGE:.0%}: {verdict[share < GOAL_CHANGE]})"
        )
        print(
            f"peak memory: {peak:.0f} MB (goal < {GOAL_MEMORY_MB} MB: "
            f"{verdict[peak < GOAL_MEMORY_MB]})"
        )
        print(f"total bench time: {(time.monotonic() - began) / 60:.1f} min")
    finally:
        if server is not None:
            stop_server(server)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
