"""Hostile and tricky drawings: refused for a named reason or rendered harmless, never fetched.

A listener on loopback stands for every server a file could name: nothing may ever connect
to it. Probe files (a magenta PNG and SVG beside the test) stand for every file a drawing could
name: their magenta must never show in a render, and /etc/passwd must never appear anywhere.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from gallery.intake import IntakeError, Limits, ProcessedImage, process_image
from tests.vector_corpus import CASES, Case
from tests.vector_files import IDENTIFYING, probe_png

MAGENTA = (255, 0, 255)
# What no stored file may hold: the listener's address, the system's files, live code.
FORBIDDEN = (b"127.0.0.1", b"root:x:", b"/etc/passwd", b"<script", b"javascript:", b"onload")
# A case must be answered well inside the 15 s an artist may wait. The sandbox's wall clock
# is lowered from its 10 s default so the cases that hit it (huge blurs) cost less here.
ANSWER_SECONDS = 15
LIMITS = Limits(vector_seconds=6)


class Listener:
    """A TCP listener on loopback that records every connection made to it."""

    def __init__(self) -> None:
        """Listen on a free port and accept in a background thread."""
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.connections: list[tuple[str, int]] = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The base URL a hostile file points at."""
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        """Record connections until stopped."""
        while self.running:
            try:
                conn, address = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(address)
            conn.close()

    def close(self) -> None:
        """Stop accepting."""
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """One listener for the whole corpus; each test checks it is still untouched."""
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def probes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of magenta probe files that a drawing may name but must never open."""
    folder = tmp_path_factory.mktemp("probes")
    probe_png(folder / "probe.png", MAGENTA)
    (folder / "probe.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><rect id="magenta" width="999" height="999" '
        'fill="#ff00ff"/></svg>'
    )
    return folder


def test_the_corpus_is_large_and_varied() -> None:
    """At least 40 files, SVG and PDF alike, each with its own name."""
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)
    assert sum(case.name.startswith("pdf") for case in CASES) >= 8


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_drawing_is_refused_or_rendered_harmless(
    case: Case,
    listener: Listener,
    probes: Path,
    assert_clean: Callable[[ProcessedImage], None],
) -> None:
    """Refused with a drawing's own reason, or rendered without anything it named."""
    data = case.build(listener.url, probes)
    started = time.monotonic()
    try:
        result = process_image(data, limits=LIMITS)
    except IntakeError as refused:
        assert refused.refusal in case.refusals, refused
        result = None
    assert time.monotonic() - started < ANSWER_SECONDS
    assert listener.connections == [], f"{case.name} made a request"
    if result is None:
        return
    assert case.renders, f"{case.name} should have been refused"
    assert_clean(result)
    stored = [result.master, result.vector_source or b"", *result.derivatives.values()]
    for blob in stored:
        for needle in (*FORBIDDEN, *IDENTIFYING, listener.url.encode()):
            assert needle not in blob, (case.name, needle)
    assert not shows_magenta(result.master), f"{case.name} read a probe file"


def shows_magenta(png: bytes) -> bool:
    """Tell whether any pixel of a render is the probes' magenta."""
    with Image.open(BytesIO(png)) as image:
        pixels = image.convert("RGBA")
    return any(
        count and r > 240 and g < 20 and b > 240 and a > 200
        for count, (r, g, b, a) in pixels.getcolors(maxcolors=1 << 24) or []
    )
