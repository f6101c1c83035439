"""Benchmark print export: sheets (naive WeasyPrint, first, cached) and die-cut singles
(first, cached), each beside img2pdf of the same rasters.

Run: .venv/bin/python bench/bench_print.py [--quick] [--seed N] [--kinds photo,flat,grain]
                                           [--only sheets|singles]

Seeded synthetic masters of 3000-8000 px are stored as the intake stores them: camera-like
JPEG photos, flat vector-style PNG art and grainy scanned / screen-printed PNG art (with soft
edges) take turns, and PNG masters get the intake's print source. They are placed on a
48-per-sheet A4 layout, for 48 and 384 stickers. Each case runs in its own process, which
reports its wall time (imports excluded), its peak RSS (imports included) and the PDF size:

- naive:  WeasyPrint given the full-size masters directly (file:// URLs), same boxes;
- first:  render_export with an empty print cache (every raster made, from the print source
          where there is one, else from the master);
- cached: render_export again, every raster already cached;
- img2pdf: the same 300-DPI derivatives, one per page (the floor for embedding them).

Die-cut singles, 50 mm, with the generic die-cut print-shop preset (CMYK, 2 mm bleed, cut
round transparent works' outlines), for 48 and 384 stickers (copies as pages):

- singles-first:   the export with an empty print cache (rasters made, outlines traced), both
                   PDFs (stickers and credits) rendered and preflighted, as a job does;
- singles-cached:  the same again: rasters, fitted outlines and credit lines cached, and the
                   credits file of the identical order reused (found by its digest, as the
                   export job does);
- singles-img2pdf: img2pdf of the same rasters, one per page.

Goals: first >= 8x faster than naive; cached <= 2.5x img2pdf; peak <= 150 MB at 384 stickers
(sheets and singles alike).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
COUNTS = (48, 384)
GOALS = {"speedup": 8.0, "cached_vs_floor": 2.5, "peak_mb": 150.0}


KINDS = ("photo", "flat", "grain")


def _shapes(rng, size: tuple[int, int]):
    """Return a transparent RGBA canvas with a dozen flat-colour ellipses on it."""
    from PIL import Image, ImageDraw

    w, h = size
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, w * 3 // 4)), int(rng.integers(0, h * 3 // 4))
        box = (x0, y0, x0 + w // 4 + int(rng.integers(0, w // 4)), y0 + h // 4)
        draw.ellipse(box, fill=(*(int(c) for c in rng.integers(0, 256, 3)), 255))
    return image


def _artwork(kind: str, rng, size: tuple[int, int]):
    """Return one seeded master of ``kind`` as a Pillow image."""
    import numpy as np
    from PIL import Image, ImageFilter

    w, h = size
    if kind == "photo":
        # A camera-like photo: smooth large-scale structure plus sensor noise.
        small = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
        base = Image.fromarray(small).resize(size, Image.Resampling.BICUBIC)
        base = base.filter(ImageFilter.GaussianBlur(3))
        noise = rng.integers(-12, 13, (h, w, 3), dtype=np.int16)
        return Image.fromarray(np.clip(np.asarray(base, np.int16) + noise, 0, 255).astype(np.uint8))
    image = _shapes(rng, size)
    if kind == "flat":
        # Vector-style art exported to PNG: flat fills, hard edges, compresses to ~100 kB.
        return image
    # Scanned or screen-printed art: ink grain in every colour and soft, inky edges.
    pixels = np.asarray(image).copy()
    alpha = Image.fromarray(pixels[..., 3]).filter(ImageFilter.GaussianBlur(2))
    grain = rng.integers(-10, 11, (h, w, 1), dtype=np.int16)
    pixels[..., :3] = np.clip(pixels[..., :3].astype(np.int16) + grain, 0, 255).astype(np.uint8)
    pixels[..., 3] = np.asarray(alpha)
    return Image.fromarray(pixels, "RGBA")


def make_sources(
    folder: Path, *, seed: int, count: int, low: int, high: int, kinds: tuple[str, ...]
) -> None:
    """Write ``count`` seeded masters as the intake stores them, and their list to sources.json.

    Kinds take turns. Masters are encoded by the intake's own functions, and big ones get the
    intake's print source; what that costs at upload is recorded beside each source.
    """
    import numpy as np

    from gallery.intake.encode import encode_master, encode_print_source

    rng = np.random.default_rng(seed)
    works = folder / "store" / "works"
    works.mkdir(parents=True, exist_ok=True)
    listing = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        long_side = int(rng.integers(low, high + 1))
        short = int(long_side * rng.uniform(0.6, 1.0))
        w, h = (long_side, short) if n % 3 else (short, long_side)
        image = _artwork(kind, rng, (w, h))
        master = encode_master(image, lossless_source=kind != "photo", srgb_tagged=False)
        key = f"works/src{n:02d}.{master.ext}"
        (works / Path(key).name).write_bytes(master.data)
        source = {"work_id": n + 1, "key": key, "w": w, "h": h, "kind": kind}
        source["alpha"] = image.mode == "RGBA"
        start = time.perf_counter()
        made = encode_print_source(image, master.format)
        source["print_seconds"] = time.perf_counter() - start
        if made:
            source["print_key"] = f"works/src{n:02d}-print.{master.ext}"
            source["print_factor"] = made[0]
            (works / Path(source["print_key"]).name).write_bytes(made[1])
        del image
        listing.append(source)
    (folder / "sources.json").write_text(json.dumps(listing))


def bench_layout():
    """Return an A4 plain-paper layout with 48 rounded 30 mm stickers (6 x 8) per sheet."""
    from gallery.printing.engine.geometry import Grid, Layout
    from gallery.printing.engine.options import ExportOptions, Mode, Shape

    return Layout(
        id="bench-a4-48",
        name="Bench A4, 48 stickers 30 mm",
        page_size="A4",
        page_width=210.0,
        page_height=297.0,
        shape=Shape.ROUNDED,
        label_width=30.0,
        label_height=30.0,
        corner_radius=2.0,
        grids=(Grid(columns=6, rows=8, x0=7.5, y0=11.0, dx=33.0, dy=35.0),),
        mode=Mode.PLAIN,
        defaults=ExportOptions(bleed_mm=1.0, crop_marks=True),
    )


def plan(folder: Path, count: int):
    """Return (layout, options, sheets, storage) for ``count`` stickers over all sources."""
    from gallery.printing.engine.plan import StickerSource, plan_export
    from gallery.storage.store import LocalStorage

    listing = json.loads((folder / "sources.json").read_text())
    sources = [
        StickerSource(
            s["work_id"],
            s["key"],
            s["w"],
            s["h"],
            s["alpha"],
            f"Artist {i}",
            f"W{i}",
            print_key=s.get("print_key"),
            print_factor=s.get("print_factor", 1),
        )
        for i, s in enumerate(listing)
    ]
    items = [(s, count // len(sources) + (i < count % len(sources))) for i, s in enumerate(sources)]
    layout = bench_layout()
    options = layout.defaults
    sheets = plan_export(layout, [item for item in items if item[1]], options)
    return layout, options, sheets, LocalStorage(folder / "store")


def run_case(case: str, folder: Path, count: int) -> dict:
    """Run one case in this process and return its measurements."""
    if case.startswith("singles"):
        # Singles load WeasyPrint and NumPy only when they set text or trace outlines.
        return run_singles(case, folder, count)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # libharfbuzz-subset notice
        from weasyprint import HTML

        from gallery.printing.engine import raster, render
    layout, options, sheets, storage = plan(folder, count)
    if case == "first":
        shutil.rmtree(folder / "store" / "print-cache", ignore_errors=True)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    if case in ("first", "cached"):
        decoded = raster.decode_count
        pdf = render.render_export(layout, sheets, options, storage=storage, title="Bench")
        if case == "cached":
            assert raster.decode_count == decoded, "cached export decoded a master"
    elif case == "naive":
        body = []
        for sheet in sheets:
            body.append('<section class="sheet">')
            for p in sheet.placements:
                url = storage.path(p.sticker.image_key).as_uri()
                art = render._box_css(p.art_box, (p.clip_box.x, p.clip_box.y))
                body.append(
                    f'<div class="clip" style="{render._box_css(p.clip_box)}">'
                    f'<img src="{url}" style="{art}"></div>'
                )
            body.append("</section>")
        document = f"<style>{render._css(layout, '#000')}</style>{''.join(body)}"
        pdf = HTML(string=document, base_url=str(folder)).write_pdf()
    else:  # img2pdf: the cached derivatives, one per page at 300 DPI
        import img2pdf

        paths = []
        for sheet in sheets:
            for p in sheet.placements:
                key = raster.print_image_key(p.sticker, p.image_px, rotated=p.rotated)
                paths.append(str(storage.path(key)))
        pdf = img2pdf.convert(paths, layout_fun=img2pdf.get_fixed_dpi_layout_fun((300, 300)))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak, "baseline_mb": baseline, "pdf_bytes": len(pdf)}


def singles_plan(folder: Path, count: int):
    """Return (options, singles, storage) for ``count`` die-cut singles over all sources."""
    from gallery.printing.engine.presets import builtin_dir, load_presets
    from gallery.printing.engine.singles import SinglesOptions, plan_singles

    _layout, _options, sheets, storage = plan(folder, count)
    preset = load_presets(builtin_dir())["generic-die-cut"]
    values = {**preset.option_values(), "safe_mm": preset.safe_mm, "size_mm": 50.0}
    options = SinglesOptions.from_mapping(values)
    stickers = [p.sticker for sheet in sheets for p in sheet.placements]
    return options, plan_singles([(s, 1) for s in stickers], options, max_pages=count), storage


def run_singles(case: str, folder: Path, count: int) -> dict:
    """Run one singles case in this process and return its measurements."""
    warnings.simplefilter("ignore", DeprecationWarning)  # libharfbuzz-subset notice
    from gallery.printing.engine import pdfx, raster
    from gallery.printing.engine.preflight import Limits, failed, preflight
    from gallery.printing.engine.singles_fit import resolve
    from gallery.printing.engine.singles_pdf import credits_digest, render_singles

    options, singles, storage = singles_plan(folder, count)
    icc = pdfx.cmyk_profile()
    if case == "singles-first":
        shutil.rmtree(folder / "store" / "print-cache", ignore_errors=True)
    paths = []
    if case == "singles-img2pdf":
        # The rasters the cached export embeds (reading the cache costs nothing measured).
        keys = {s.sticker.work_id: resolve(storage, s, options, cmyk_icc=icc) for s in singles}
        paths = [str(storage.path(keys[s.sticker.work_id].raster_key)) for s in singles]
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    if case == "singles-img2pdf":
        import img2pdf

        pdf = img2pdf.convert(paths, layout_fun=img2pdf.get_fixed_dpi_layout_fun((300, 300)))
    else:
        decoded = raster.decode_count
        # As the export job does: an identical order hands out the credits file it made
        # before (found by its digest) instead of setting the same text again.
        words = {"heading": "Credits", "anonymous": "", "title": "Credits"}
        stickers = [single.sticker for single in singles]
        digest = credits_digest(stickers, press_icc=icc, cmyk=options.cmyk, **words)
        earlier = folder / f"credits-{digest[:16]}.pdf"
        before = earlier.read_bytes() if case == "singles-cached" and earlier.exists() else None
        pdf, credits = render_singles(
            singles, options, storage=storage, press_icc=icc, credits=before
        )
        earlier.write_bytes(credits)
        limits = Limits(cut_spot=options.cut_colour_name, requires_cut=True)
        if failed(preflight(pdf, limits)) or failed(preflight(credits)):
            raise SystemExit("a singles export failed preflight")
        if case == "singles-cached":
            assert raster.decode_count == decoded, "cached singles decoded a master"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak, "baseline_mb": baseline, "pdf_bytes": len(pdf)}


def child(case: str, folder: Path, count: int) -> dict:
    """Run one case in a fresh interpreter so its memory peak is its own."""
    cmd = [sys.executable, __file__, "--case", case, "--folder", str(folder), "--count", str(count)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=3600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Prepare sources, run every case for 48 and 384 stickers, print the table and goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, smaller masters")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument(
        "--kinds",
        default=",".join(KINDS),
        help="master kinds taking turns: photo (JPEG), flat (vector-style PNG), grain "
        "(scanned or screen-printed PNG); default all three",
    )
    parser.add_argument("--only", choices=("sheets", "singles"), help="run one half only")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    kinds = tuple(k for k in args.kinds.split(",") if k)
    if not kinds or set(kinds) - set(KINDS):
        parser.error(f"--kinds takes a comma-separated list of {', '.join(KINDS)}")
    if args.case == "make":
        n, low, high = (6, 3000, 4500) if args.count == 1 else (12, 3000, 8000)
        make_sources(args.folder, seed=args.seed, count=n, low=low, high=high, kinds=kinds)
        return 0
    if args.case:
        # The heap set up as in every app process (create_app), where exports run.
        from gallery import memory

        memory.keep_freed_memory_for_reuse()
        print(json.dumps(run_case(args.case, args.folder, args.count)))
        return 0
    folder = RESULTS / f"print-{'quick' if args.quick else 'full'}-{'-'.join(kinds)}-{args.seed}"
    if not (folder / "sources.json").exists():
        print(f"generating seeded masters in {folder.relative_to(ROOT)} …", flush=True)
        cmd = [sys.executable, __file__, "--case", "make", "--folder", str(folder)]
        cmd += ["--count", "1" if args.quick else "0", "--seed", str(args.seed)]
        cmd += ["--kinds", ",".join(kinds)]
        subprocess.run(cmd, check=True, timeout=3600)
    listing = json.loads((folder / "sources.json").read_text())
    sizes = sorted(max(s["w"], s["h"]) for s in listing)
    made = {k: sum(s["kind"] == k for s in listing) for k in kinds}
    print(
        f"{len(listing)} masters, {sizes[0]}-{sizes[-1]} px: "
        + ", ".join(f"{n} {k}" for k, n in made.items())
    )
    upload = [s["print_seconds"] for s in listing if "print_seconds" in s]
    if upload:
        print(
            f"print sources made at upload: {len(upload)} masters, "
            f"{sum(upload) / len(upload):.2f} s each on average (paid once, at intake)"
        )
    header = (
        f"{'stickers':>8} {'case':<15} {'time s':>8} {'peak MB':>8} {'import MB':>9} {'PDF MB':>8}"
    )
    print(header)
    print("-" * len(header))
    ok = True
    halves = {"sheets": sheet_rows, "singles": singles_rows}
    for name, rows_of in halves.items():
        if args.only in (None, name):
            for count in COUNTS:
                ok &= rows_of(folder, count)
    return 0 if ok else 1


def _row(count: int, case: str, r: dict) -> None:
    """Print one measured case."""
    print(
        f"{count:>8} {case:<15} {r['seconds']:>8.2f} {r['peak_mb']:>8.1f} "
        f"{r['baseline_mb']:>9.1f} {r['pdf_bytes'] / 1e6:>8.2f}",
        flush=True,
    )


def _verdicts(checks: list[tuple[str, bool]]) -> bool:
    """Print PASS/FAIL per goal; return whether all passed."""
    for text, good in checks:
        print(f"{'':>8} {'PASS' if good else 'FAIL'} {text}")
    return all(good for _text, good in checks)


def sheet_rows(folder: Path, count: int) -> bool:
    """Measure the sheet cases for ``count`` stickers against their goals."""
    rows = {}
    for case in ("naive", "first", "cached", "img2pdf"):
        rows[case] = child(case, folder, count)
        _row(count, case, rows[case])
    speedup = rows["naive"]["seconds"] / rows["first"]["seconds"]
    ratio = rows["cached"]["seconds"] / rows["img2pdf"]["seconds"]
    checks = [
        (f"first {speedup:.1f}x faster than naive", speedup >= GOALS["speedup"]),
        (f"cached {ratio:.2f}x img2pdf", ratio <= GOALS["cached_vs_floor"]),
    ]
    if count == max(COUNTS):
        peak = max(rows[c]["peak_mb"] for c in ("first", "cached"))
        checks.append((f"peak {peak:.0f} MB", peak <= GOALS["peak_mb"]))
    return _verdicts(checks)


def singles_rows(folder: Path, count: int) -> bool:
    """Measure the die-cut singles cases for ``count`` stickers against their goals."""
    rows = {}
    for case in ("singles-first", "singles-cached", "singles-img2pdf"):
        rows[case] = child(case, folder, count)
        _row(count, case, rows[case])
    ratio = rows["singles-cached"]["seconds"] / rows["singles-img2pdf"]["seconds"]
    checks = [(f"singles cached {ratio:.2f}x img2pdf", ratio <= GOALS["cached_vs_floor"])]
    if count == max(COUNTS):
        peak = max(rows[c]["peak_mb"] for c in ("singles-first", "singles-cached"))
        checks.append((f"singles peak {peak:.0f} MB", peak <= GOALS["peak_mb"]))
    return _verdicts(checks)


if __name__ == "__main__":
    sys.exit(main())
