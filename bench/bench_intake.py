"""Benchmark process_image against Pillow's own floor for producing the same outputs.

Run: .venv/bin/python bench/bench_intake.py [--runs N]

The floor is the least work any pipeline producing these outputs must do: open + load the
source once, encode the master with the same format and settings, reduce + encode the print
source of a big master, and resize + encode the same WebP previews (chained, largest
first). The goal is intake <= 1.5x the floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gallery.intake import Limits, process_image
from gallery.intake.encode import (
    JPEG_QUALITY,
    PNG_COMPRESS_LEVEL,
    PRINT_SOURCE_COMPRESS_LEVEL,
    PRINT_SOURCE_JPEG_QUALITY,
    PRINT_SOURCE_SIDE,
    REDUCING_GAP,
    WEBP_METHOD,
    WEBP_QUALITY,
)
from gallery.intake.limits import derivative_sizes

GOAL = 1.5
SEED = 20240611


def photo_jpeg(width: int = 4896, height: int = 3264) -> bytes:
    """A 16 MP camera-like JPEG: smooth gradients, a few blobs, sensor noise, EXIF with GPS."""
    rng = np.random.default_rng(SEED)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack(
        [
            128 + 100 * np.sin(x / 700.0) * np.cos(y / 900.0),
            128 + 90 * np.cos(x / 500.0 + y / 1300.0),
            110 + 80 * np.sin((x + y) / 1100.0),
        ],
        axis=-1,
    )
    for _ in range(12):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(100, 600)
        blob = np.exp(-(((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r)))[..., None]
        base += blob * rng.uniform(-90, 90, size=3).astype(np.float32)
    base += rng.normal(0, 6, size=base.shape).astype(np.float32)
    im = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    exif[0x010F] = "BenchCam"  # Make
    exif[0x0110] = "Model 1"  # Model
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    buf = BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif)
    return buf.getvalue()


def shapes_png(side: int = 3000) -> bytes:
    """A 9 MP RGBA PNG of flat, semi-transparent shapes on a clear background, like sticker art."""
    rng = np.random.default_rng(SEED + 1)
    im = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    for _ in range(60):
        x0, y0 = rng.integers(0, side - 200, size=2)
        w, h = rng.integers(100, side // 3, size=2)
        fill = (*(int(c) for c in rng.integers(0, 256, size=3)), int(rng.integers(120, 256)))
        box = (int(x0), int(y0), int(x0 + w), int(y0 + h))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
    buf = BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def pillow_floor(data: bytes, master_format: str) -> None:
    """Decode once and encode exactly the outputs intake produces, with nothing else."""
    im = Image.open(BytesIO(data))
    im.load()
    out = BytesIO()
    factor = -(-max(im.size) // PRINT_SOURCE_SIDE)
    small = im.reduce(factor) if factor > 1 else None
    if master_format == "JPEG":
        im.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0)
        if small is not None:
            small.save(BytesIO(), "JPEG", quality=PRINT_SOURCE_JPEG_QUALITY, subsampling=0)
    else:
        im.save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL)
        if small is not None:
            small.save(BytesIO(), "PNG", compress_level=PRINT_SOURCE_COMPRESS_LEVEL)
    source = im
    for size in derivative_sizes(*im.size).values():
        source = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
        source.save(BytesIO(), "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)


def median_ms(runs: int, *fns: Callable[[], object]) -> list[float]:
    """Median wall time of each function in ms; calls alternate so load drifts hit both alike."""
    for fn in fns:
        fn()  # warm-up: plugin imports, allocator pools
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, bucket in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            bucket.append((time.perf_counter() - start) * 1000)
    return [statistics.median(bucket) for bucket in times]


def main() -> int:
    """Build the inputs, time both sides, print the table; exit 1 if a ratio misses the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    limits = Limits(min_side=1)
    cases = {
        "jpeg 4896x3264 q90+EXIF": photo_jpeg(),
        "png 3000x3000 RGBA": shapes_png(),
    }
    print(f"{'case':<26} {'floor ms':>9} {'intake ms':>10} {'ratio':>6}")
    worst = 0.0
    for name, data in cases.items():
        result = process_image(data, limits=limits)
        floor, intake = median_ms(
            args.runs,
            lambda d=data, f=result.master_format: pillow_floor(d, f),
            lambda d=data: process_image(d, limits=limits),
        )
        ratio = intake / floor
        worst = max(worst, ratio)
        print(f"{name:<26} {floor:>9.0f} {intake:>10.0f} {ratio:>6.2f}")
    verdict = "meets" if worst <= GOAL else "MISSES"
    print(f"goal: ratio <= {GOAL} ({verdict}; median of {args.runs} runs each)")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
