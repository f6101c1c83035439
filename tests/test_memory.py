"""An app process keeps the memory of one upload's previews for the next, unless told otherwise.

Every upload encodes its WebP previews on the app's threads with big, short-lived buffers. With
glibc's adaptive defaults those pages went back to the kernel after each encode and were
faulted in again for the next upload (kernel time on every upload); the app, once built, keeps
them. Counted in page faults of the encoding thread, not in time.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[1]
# Build the app (as the WSGI server does), then encode a 1280 px preview with transparency on
# a fresh thread three times; report each encode's minor page faults.
PROBE = """
import json, resource, threading, io
import wsgi
from PIL import Image, ImageDraw
image = Image.new("RGBA", (1280, 1280), (0, 0, 0, 0))
draw = ImageDraw.Draw(image)
for n in range(40):
    draw.ellipse((n * 20, n * 13, n * 20 + 400, n * 13 + 300), fill=(n * 6, 90, 200 - n * 4, 255))
faults = []
def encode():
    before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
    image.save(io.BytesIO(), "WEBP", quality=82, method=2)
    faults.append(resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before)
for _ in range(3):
    thread = threading.Thread(target=encode)
    thread.start()
    thread.join()
print(json.dumps(faults))
"""


def faults_per_encode(tmp_path: Path, **environment: str) -> list[int]:
    """Build the app in a fresh interpreter and return the page faults of three encodes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_TUNABLES"))}
    env.update(
        GALLERY_DATABASE_URL=database_url(tmp_path),
        GALLERY_UPLOAD_DIR=str(tmp_path / "uploads"),
        GALLERY_SECRET_KEY="memory-test",
        GALLERY_LOG_FORMAT="none",
        **environment,
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


glibc_only = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="the heap is tuned on glibc only; other C libraries keep their own behaviour",
)


@glibc_only
def test_later_uploads_reuse_the_memory_of_earlier_ones(app, tmp_path):
    """After the first encode, the next ones fault (almost) no fresh page in."""
    first, *later = faults_per_encode(tmp_path)
    assert first > 2000  # the probe's buffers are big enough to show the difference
    assert max(later) < first / 10


@glibc_only
def test_an_operators_own_malloc_settings_are_kept(app, tmp_path):
    """With glibc's trim threshold set by the operator, the app leaves the heap as told."""
    first, *later = faults_per_encode(tmp_path, MALLOC_TRIM_THRESHOLD_="131072")
    assert min(later) > first / 2
