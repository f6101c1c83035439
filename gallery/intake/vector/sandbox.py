"""Hand vector data to a confined worker process and read back cleaned sources and pixels.

Each job runs in a fresh process (``worker.py``) that confines itself before it reads a byte
of the job; it is killed, with anything it started, when it has answered or the wall clock
runs out. The app never parses the vector data itself: renders come back as raw pixels
(PDFium) or as resvg's PNG, each checked against the size that was asked for.

A worker is started ahead of need ("warm"), so the interpreter and the renderers are loaded
before an upload arrives: the next one is started after each job (once the caller's own work
on it is done, if it asks), never at app start-up.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import selectors
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from gallery.intake.vector import fonts, pngread
from gallery.intake.vector.fonts import FONT_DIRS

log = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("worker.py")
# The environment handed to the worker: none of the app's settings or secrets.
_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
_HEADER = struct.Struct(">Q")
_MAX_HEADER = 1024 * 1024
# A blob at least this big (a render) is read straight into a buffer of its own size.
_DIRECT_BYTES = 256 * 1024


class SandboxUnavailableError(RuntimeError):
    """The worker cannot run confined here (no renderer, no Landlock or seccomp)."""


@dataclass(frozen=True)
class Item:
    """One drawing for the worker: clean it (intake) and render it into each box."""

    kind: str  # "svg" or "pdf"
    data: bytes
    boxes: tuple[tuple[int, int], ...]  # (width, height) boxes the drawing is fitted into
    clean: bool = False


@dataclass(frozen=True)
class Render:
    """One rendered box: PNG bytes (resvg) or raw RGBA (PDFium), at the size reported."""

    width: int
    height: int
    format: str  # "png" or "rgba"
    data: bytes | bytearray

    def image(self) -> Image.Image:
        """Return the pixels as an RGBA image, checking they are what the worker reported."""
        if self.format == "rgba":
            return Image.frombuffer(
                "RGBA", (self.width, self.height), self.data, "raw", "RGBA", 0, 1
            )
        return pngread.decode_rgba(self.data, (self.width, self.height))


@dataclass
class Outcome:
    """What the worker made of one item: the cleaned source and renders, or a refusal."""

    refusal: str | None = None
    detail: dict = field(default_factory=dict)
    source: bytes | None = None
    renders: dict[int, Render] = field(default_factory=dict)


OnRender = Callable[[int, int, Render], None]


def run(
    items: list[Item],
    *,
    max_pixels: int,
    seconds: float,
    cpu_seconds: int,
    on_render: OnRender | None = None,
    spare: bool = True,
) -> list[Outcome]:
    """Run ``items`` in one confined worker; every item gets an outcome, whatever happens.

    ``on_render(item, box, render)`` is called as each render arrives, while the worker goes
    on with the next one, so the caller's own work overlaps the rendering. The worker for the
    next job is started on return, or, with ``spare=False``, when the caller calls
    ``start_spare()`` once its own work on the renders is done (so the two do not compete).
    """
    worker = _take_worker()
    header = {
        "cpu_seconds": cpu_seconds,
        "max_pixels": max_pixels,
        "items": [
            {"kind": it.kind, "length": len(it.data), "clean": it.clean, "boxes": it.boxes}
            for it in items
        ],
    }
    payload = json.dumps(header).encode() + b"\n" + b"".join(it.data for it in items)
    reader = _Frames(items, max_pixels=max_pixels, on_render=on_render)
    started = time.monotonic()
    try:
        _exchange(worker, payload, reader, deadline=started + seconds)
    finally:
        # Answered, out of time or over its cap: either way it has nothing more to say, and
        # waiting for the interpreter to exit by itself costs tens of milliseconds.
        _kill(worker)
        if spare:
            start_spare()
    log.info(
        "vector worker: %d item(s) in %.0f ms, exit %s",
        len(items),
        (time.monotonic() - started) * 1000,
        worker.returncode,
    )
    killed = not reader.ended and worker.returncode is not None and worker.returncode < 0
    return reader.outcomes(killed=killed)


class _Frames:
    """Parses the worker's frames as bytes arrive and files them under their items."""

    def __init__(self, items: list[Item], *, max_pixels: int, on_render: OnRender | None):
        """Expect one outcome per item; cap what the worker may send."""
        self.items = items
        self.results = [Outcome() for _ in items]
        self.seen = [False] * len(items)
        self.on_render = on_render
        self.buffer = bytearray()
        # A big blob being read into its own buffer: (meta, buffer, bytes filled so far).
        self.direct: tuple[dict, bytearray, int] | None = None
        self.ended = self.timed_out = False
        self.cap = _MAX_HEADER + sum(
            4 * (max_pixels + len(it.data)) * max(1, len(it.boxes)) for it in items
        )
        self.received = 0
        # Sends the worker an answer (set by _exchange); the items that asked about fonts.
        self.answer: Callable[[bytes], None] = lambda _data: None
        self.asked: set[int] = set()

    def read(self, fd: int) -> bool:
        """Read what the worker sent; return False once the answer is complete, cut or too big."""
        if self.direct is None:
            chunk = os.read(fd, 1 << 20)
            return bool(chunk) and self.feed(chunk)
        # Straight into the blob's buffer: a 23 MB render is not copied from chunk to chunk.
        meta, blob, filled = self.direct
        with memoryview(blob) as view:
            count = os.readv(fd, [view[filled:]])
        if not count:
            return False
        self.received += count
        if filled + count < len(blob):
            self.direct = (meta, blob, filled + count)
            return True
        self.direct = None
        return self._file(meta, blob)

    def feed(self, chunk: bytes) -> bool:
        """Take more bytes; return False once the answer is complete or too large."""
        self.received += len(chunk)
        if self.received > self.cap:
            return False
        self.buffer += chunk
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            if size > _MAX_HEADER:
                return False
            if len(self.buffer) < _HEADER.size + size:
                return True
            try:
                meta = json.loads(bytes(self.buffer[_HEADER.size : _HEADER.size + size]))
            except ValueError:
                return False
            start = _HEADER.size + size
            end = start + int(meta.get("length", 0))
            if len(self.buffer) < end:
                return self._begin_direct(meta, start, end)
            blob = bytes(self.buffer[start:end])
            del self.buffer[:end]
            if not self._file(meta, blob):
                return False
        return True

    def _begin_direct(self, meta: dict, start: int, end: int) -> bool:
        """Wait for the rest of a frame; a big blob goes on in a buffer of its own, if allowed."""
        if self.received + end - len(self.buffer) > self.cap:
            return False
        if end - start >= _DIRECT_BYTES:
            blob = bytearray(end - start)
            blob[: len(self.buffer) - start] = self.buffer[start:]
            self.direct = (meta, blob, len(self.buffer) - start)
            self.buffer.clear()
        return True

    def _file(self, meta: dict, blob: bytes | bytearray) -> bool:
        """File one frame; return False after the last one."""
        if meta.get("error") == "unconfined":
            raise SandboxUnavailableError(str(meta.get("message", "unconfined")))
        if meta.get("end"):
            self.ended = True
            return False
        if "fonts" in meta:
            return self._answer_fonts(meta)
        index = int(meta["item"])
        outcome = self.results[index]
        self.seen[index] = True
        if meta.get("refusal"):
            outcome.refusal, outcome.detail = str(meta["refusal"]), dict(meta.get("detail") or {})
        elif meta.get("part") == "source":
            outcome.source = bytes(blob)
        else:
            box = int(meta["box"])
            render = Render(int(meta["width"]), int(meta["height"]), str(meta["format"]), blob)
            if not self._fits(render, self.items[index].boxes[box]):
                outcome.refusal = "damaged"
                return True
            outcome.renders[box] = render
            if self.on_render is not None:
                self.on_render(index, box, render)
        return True

    def _answer_fonts(self, meta: dict) -> bool:
        """Answer an SVG item's one question about fonts; any other ends the job."""
        index = meta.get("item")
        if not isinstance(index, int) or not 0 <= index < len(self.items):
            return False
        if index in self.asked or self.items[index].kind != "svg":
            return False  # one question per drawing: the answers cannot pile up
        self.asked.add(index)
        self.answer(json.dumps(_font_files(meta["fonts"])).encode() + b"\n")
        return True

    @staticmethod
    def _fits(render: Render, box: tuple[int, int]) -> bool:
        """Tell whether a render is inside its box and its raw data has the right length."""
        inside = 0 < render.width <= box[0] + 1 and 0 < render.height <= box[1] + 1
        exact = render.format == "png" or len(render.data) == render.width * render.height * 4
        return inside and exact and render.format in ("png", "rgba")

    def outcomes(self, *, killed: bool) -> list[Outcome]:
        """Return every item's outcome; items left unanswered are refused with the cause."""
        for index, outcome in enumerate(self.results):
            complete = len(outcome.renders) == len(self.items[index].boxes)
            if outcome.refusal or (complete and self.ended):
                continue
            if self.timed_out:
                outcome.refusal, outcome.detail = "vector_too_complex", {"what": "time"}
            elif killed or self.seen[index]:
                outcome.refusal, outcome.detail = "vector_too_complex", {"what": "limits"}
            else:
                outcome.refusal = "damaged"
        return self.results


def _font_files(request: object) -> list[str] | None:
    """Answer the worker's question about fonts: the files to hand resvg, or None for all."""
    if not isinstance(request, dict):
        return None
    families, chars = request.get("families"), request.get("chars")
    if not isinstance(families, list) or not isinstance(chars, str):
        return None
    if len(families) > fonts.MAX_FAMILIES or len(chars) > fonts.MAX_CHARS:
        return None
    return fonts.select([str(name) for name in families], chars)


def _exchange(
    worker: subprocess.Popen, payload: bytes, reader: _Frames, *, deadline: float
) -> None:
    """Write the job and feed the answer to ``reader`` until the end, the deadline or the cap.

    Standard input stays open after the job: the worker may ask about fonts while it works.
    """
    assert worker.stdin is not None and worker.stdout is not None
    outbox = bytearray(payload)
    reader.answer = outbox.extend
    stdin = worker.stdin.fileno()
    with selectors.DefaultSelector() as sel:
        os.set_blocking(stdin, False)
        sel.register(worker.stdout, selectors.EVENT_READ)
        writing = False
        while True:
            if bool(outbox) != writing:
                writing = bool(outbox)
                if writing:
                    sel.register(stdin, selectors.EVENT_WRITE)
                else:
                    sel.unregister(stdin)
            left = deadline - time.monotonic()
            if left <= 0:
                reader.timed_out = True
                return
            for key, _events in sel.select(timeout=left):
                if key.fileobj == stdin:
                    try:
                        with memoryview(outbox) as view:
                            sent = os.write(stdin, view[:65536])
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        sent = len(outbox)  # it stopped reading: its answer says why
                    del outbox[:sent]
                    continue
                if not reader.read(worker.stdout.fileno()):
                    return


# -- the warm worker ---------------------------------------------------------------------------

_lock = threading.Lock()
_spare: subprocess.Popen | None = None
_spare_pid = 0


def _take_worker() -> subprocess.Popen:
    """Return the waiting worker if it is ours and alive, else start one now."""
    global _spare
    with _lock:
        worker, _spare = _spare, None
        if worker is not None and (_spare_pid != os.getpid() or worker.poll() is not None):
            worker = None
    return worker or _spawn()


def start_spare() -> None:
    """Start the worker for the next job, so it is loaded before it is needed."""
    global _spare, _spare_pid
    with _lock:
        if _spare is not None and _spare_pid == os.getpid() and _spare.poll() is None:
            return
        try:
            _spare, _spare_pid = _spawn(), os.getpid()
        except SandboxUnavailableError:
            _spare = None


@atexit.register
def _discard_spare() -> None:
    """End the waiting worker when the app's process ends."""
    global _spare
    with _lock:
        worker, _spare = _spare, None
    if worker is not None and _spare_pid == os.getpid():
        _kill(worker)


def _spawn() -> subprocess.Popen:
    """Start one worker in its own session (so it can be killed with what it starts)."""
    resvg = renderer_path()
    fonts.warm()
    font_dirs = [d for d in FONT_DIRS if os.path.isdir(d)]
    # The command is this interpreter, our worker script and paths we resolved: no user input.
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-I", str(WORKER), resvg, *font_dirs],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=_ENV,
        cwd="/",
        start_new_session=True,
    )


def renderer_path() -> str:
    """Return the resvg command beside this interpreter (pip's resvg-cli), or on PATH."""
    beside = Path(sys.executable).parent / "resvg"
    if beside.is_file():
        return str(beside)
    found = shutil.which("resvg")
    if found is None:
        raise SandboxUnavailableError("the resvg command is not installed")
    return found


def _kill(worker: subprocess.Popen) -> None:
    """End the worker and everything it started; reap it."""
    if worker.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    for stream in (worker.stdin, worker.stdout):
        if stream is not None and not stream.closed:
            stream.close()
