"""Benchmark exporting 48 drawings against 48 pixel stickers of the same size.

Run: .venv/bin/python bench/bench_vector_print.py [--rounds N] [--mm 30]

48 seeded sticker drawings (gradients, a curve, text; each its own colours and words) go
through the real intake once: the cleaned SVG and the 2400 px raster master are stored as the
intake stores them. The raster case places those same masters as pixel works (a PNG master
with transparency, as an artist's 2400 px export would be); the vector case places the
drawings. Both fill one A4 sheet of 48 stickers, N mm square, and are exported with an empty
print cache (every raster made: decoded and shrunk from the master, or rendered by resvg in
the confined worker at exactly the placed size). Each case runs in its own process, the two
alternate, and the median of the rounds is reported.

Goal: the vector export takes at most 2x the raster export.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
GOAL = 2.0
COUNT = 48


def drawing(n: int) -> bytes:
    """Return the ``n``-th seeded sticker drawing."""
    hue = (n * 47) % 360
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="100mm" viewBox="0 0 100 100">
 <defs>
  <linearGradient id="a" x1="0" y1="0" x2="1" y2="1">
   <stop offset="0" stop-color="hsl({hue},90%,55%)"/>
   <stop offset="1" stop-color="hsl({(hue + 120) % 360},80%,50%)"/></linearGradient>
  <radialGradient id="b" cx="0.5" cy="0.4" r="0.6">
   <stop offset="0" stop-color="#fff" stop-opacity="0.9"/>
   <stop offset="1" stop-color="hsl({(hue + 240) % 360},70%,50%)" stop-opacity="0.2"/>
  </radialGradient>
 </defs>
 <circle cx="50" cy="50" r="48" fill="url(#a)" stroke="#222" stroke-width="1.5"/>
 <circle cx="50" cy="42" r="{20 + n % 12}" fill="url(#b)"/>
 <path d="M20 70 Q50 {85 + n % 10} 80 70 T 95 60" fill="none" stroke="#113" stroke-width="3"/>
 <text x="50" y="58" font-family="DejaVu Sans" font-size="12" font-weight="bold"
   text-anchor="middle" fill="#fff" stroke="#000" stroke-width="0.3">FREE {n}</text>
</svg>
""".encode()


def make_sources(folder: Path) -> None:
    """Run every drawing through the intake and store source and master as the app does."""
    from gallery.intake import Limits, process_image

    files = folder / "store" / "files"
    files.mkdir(parents=True, exist_ok=True)
    listing = []
    for n in range(COUNT):
        result = process_image(drawing(n), limits=Limits())
        (files / f"d{n:02d}.png").write_bytes(result.master)
        (files / f"d{n:02d}-vector.svg").write_bytes(result.vector_source)
        listing.append({"n": n, "w": result.width, "h": result.height, "alpha": result.has_alpha})
    (folder / "sources.json").write_text(json.dumps(listing))


def run_case(case: str, folder: Path, mm: float) -> float:
    """Export the 48 stickers as pixel works or as drawings; return the seconds it took."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # libharfbuzz-subset notice
        from gallery.printing.engine import render
    from gallery.printing.engine.geometry import Grid, Layout
    from gallery.printing.engine.options import ExportOptions, Mode, Shape
    from gallery.printing.engine.plan import StickerSource, plan_export
    from gallery.storage.store import LocalStorage

    layout = Layout(
        id="bench-a4-48",
        name="Bench A4, 48 stickers",
        page_size="custom",
        page_width=6 * (mm + 3) + 10,
        page_height=8 * (mm + 3) + 10,
        shape=Shape.ROUNDED,
        label_width=mm,
        label_height=mm,
        corner_radius=2.0,
        grids=(Grid(columns=6, rows=8, x0=5, y0=5, dx=mm + 3, dy=mm + 3),),
        mode=Mode.PLAIN,
        defaults=ExportOptions(bleed_mm=1.0, crop_marks=False),
    )
    listing = json.loads((folder / "sources.json").read_text())
    sources = [
        StickerSource(
            s["n"] + 1,
            f"files/d{s['n']:02d}.png",
            s["w"],
            s["h"],
            s["alpha"],
            f"Artist {s['n']}",
            f"W{s['n']}",
            vector_key=f"files/d{s['n']:02d}-vector.svg" if case == "vector" else None,
        )
        for s in listing
    ]
    sheets = plan_export(layout, [(s, 1) for s in sources], layout.defaults)
    shutil.rmtree(folder / "store" / "print-cache", ignore_errors=True)
    storage = LocalStorage(folder / "store")
    time.sleep(1.0)  # let a warm worker started by the import settle
    start = time.perf_counter()
    render.render_export(layout, sheets, layout.defaults, storage=storage, title="Bench")
    return time.perf_counter() - start


def child(case: str, folder: Path, mm: float) -> float:
    """Run one case in a fresh interpreter."""
    cmd = [sys.executable, __file__, "--case", case, "--folder", str(folder), "--mm", str(mm)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=1800)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Prepare the drawings once, alternate the two cases, print the medians and the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mm", type=float, default=30.0, help="sticker side in mm")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case == "make":
        make_sources(args.folder)
        return 0
    if args.case:
        # The heap set up as in every app process (create_app), where exports run.
        from gallery import memory

        memory.keep_freed_memory_for_reuse()
        print(run_case(args.case, args.folder, args.mm))
        return 0
    folder = RESULTS / "vector-print"
    if not (folder / "sources.json").exists():
        print(f"running {COUNT} drawings through the intake into {folder.relative_to(ROOT)} …")
        cmd = [sys.executable, __file__, "--case", "make", "--folder", str(folder)]
        subprocess.run(cmd, check=True, timeout=3600)
    times: dict[str, list[float]] = {"raster": [], "vector": []}
    for _ in range(args.rounds):
        for case in times:
            times[case].append(child(case, folder, args.mm))
    raster, vector = (statistics.median(times[c]) for c in ("raster", "vector"))
    print(f"{COUNT} stickers {args.mm:g} mm, first export (empty print cache), seconds:")
    for case, runs in times.items():
        print(f"  {case:<7} median {statistics.median(runs):6.2f}  runs {runs}")
    ratio = vector / raster
    verdict = "meets" if ratio <= GOAL else "MISSES"
    print(f"vector / raster = {ratio:.2f} (goal <= {GOAL}: {verdict})")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
