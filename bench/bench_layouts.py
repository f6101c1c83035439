"""Time importing every gLabels template installed on this machine (Debian glabels-data).

    .venv/bin/python bench/bench_layouts.py [--rounds N]

Goal: all 1,700+ templates in under 3 s, so `layouts import-glabels` feels instant.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gallery.printing.engine.glabels import glabels_default_dir, import_glabels

GOAL_SECONDS = 3.0


def main() -> None:
    """Import the installed templates several times and print the median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    folder = glabels_default_dir()
    if folder is None:
        sys.exit("glabels-data is not installed (apt-get install glabels-data)")
    times, count = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        count = len(import_glabels(folder))
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    verdict = "met" if median < GOAL_SECONDS else "NOT met"
    print(f"{count} layouts imported in {median:.2f} s (median of {rounds}); goal < 3 s: {verdict}")


if __name__ == "__main__":
    main()
