"""The confined render worker: one job of untrusted vector data, then exit.

Started by ``sandbox.py`` as ``python -I worker.py RESVG FONT_DIR …`` (never imported by the
app). It loads its libraries, confines itself (``confine.py``), and only then reads the job
from standard input: a JSON header line, then the bytes of each item. Each item is an SVG or
PDF to clean (intake) and render into one or more boxes. The answer on standard output is a
stream of frames (an 8-byte length, a JSON header, a blob): the cleaned source, then each
render as soon as it is done (PNG from resvg, raw RGBA from PDFium), or a refusal; a last
frame says the job ended. Then the process exits. Before an SVG with text is rendered, a
frame asks the app which font files its families and characters can use; the answer is one
JSON line on standard input.
"""

from __future__ import annotations

import json
import os
import queue
import struct
import subprocess
import sys
import sysconfig
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pdfclean
import pypdfium2
import svgclean
import svgtext
from confine import ConfineError, confine, lower_cpu_limit
from PIL import Image

# Generic families resolve to fonts every installation of ours has (scripts/setup.sh).
_FAMILIES = (
    ("--font-family", "DejaVu Sans"),
    ("--sans-serif-family", "DejaVu Sans"),
    ("--serif-family", "DejaVu Serif"),
    ("--monospace-family", "DejaVu Sans Mono"),
    ("--cursive-family", "DejaVu Sans"),
    ("--fantasy-family", "DejaVu Sans"),
)
_SYSTEM_LIBS = ["/lib", "/lib64", "/usr/lib", "/usr/lib64"]
_LIB_PATHS = ("stdlib", "platstdlib", "purelib", "platlib")
# The ceiling for any job (a batch of drawings for print); each job lowers it to its own
# budget once its header is read. Waiting for a job uses no CPU.
_IDLE_CPU_SECONDS = 600
_MEMORY_BYTES = 2 * 1024**3


class ItemError(Exception):
    """An item is refused; ``reason`` names the intake refusal."""

    def __init__(self, reason: str, **detail: object) -> None:
        """Keep the reason and its details."""
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def main(argv: list[str]) -> int:
    """Confine, read one job, answer it frame by frame, exit."""
    resvg, font_dirs = argv[1], argv[2:]
    Image.init()
    # The interpreter's own libraries only (not sysconfig's "data" prefix, which may be /usr).
    paths = sysconfig.get_paths()
    libs = [paths[k] for k in _LIB_PATHS if os.path.isdir(paths.get(k, ""))]
    try:
        confine(
            read_paths=[*font_dirs, *libs],
            exec_paths=[resvg, *_SYSTEM_LIBS],
            cpu_seconds=_IDLE_CPU_SECONDS,
            memory_bytes=_MEMORY_BYTES,
        )
    except ConfineError as exc:
        _frame({"error": "unconfined", "message": str(exc)})
        return 3
    stdin = sys.stdin.buffer
    line = stdin.readline()
    if not line:
        return 0  # the app exited while this worker waited
    header = json.loads(line)
    lower_cpu_limit(int(header["cpu_seconds"]))
    # Every item is read first: what comes on standard input after them answers questions.
    datas = [stdin.read(int(item["length"])) for item in header["items"]]
    for index, (item, data) in enumerate(zip(header["items"], datas, strict=True)):
        try:
            _item(index, item, data, resvg, font_dirs, int(header["max_pixels"]))
        except (ItemError, svgclean.SvgError, pdfclean.PdfError) as refused:
            _frame({"item": index, "refusal": refused.reason, "detail": refused.detail})
        except MemoryError:
            _frame({"item": index, "refusal": "vector_too_complex", "detail": {"what": "memory"}})
    _frame({"end": True})
    return 0


def _item(
    index: int, item: dict, data: bytes, resvg: str, font_dirs: list[str], max_pixels: int
) -> None:
    """Clean (when asked) and render one item into each of its boxes, framing each result."""
    kind = item["kind"]
    if item.get("clean"):
        data = svgclean.clean_svg(data) if kind == "svg" else pdfclean.clean_pdf(data)
        _frame({"item": index, "part": "source"}, data)
    boxes = [_box(box, max_pixels) for box in item["boxes"]]
    if kind == "svg":
        fonts = _font_arguments(index, data, font_dirs)
        _resvg_all(index, resvg, fonts, data, boxes)
    else:
        _pdfium(index, data, boxes, max_pixels)


def _box(box: list[int], max_pixels: int) -> tuple[int, int]:
    """Return the (width, height) box a drawing is fitted into; check the pixel ceiling."""
    width, height = int(box[0]), int(box[1])
    if width < 1 or height < 1 or width * height > max_pixels:
        raise ItemError("too_many_pixels", max_pixels=max_pixels)
    return width, height


def _font_arguments(index: int, svg: bytes, font_dirs: list[str]) -> list[str]:
    """Return resvg's font arguments: only the files the drawing's text can use, if known.

    Loading every installed font costs resvg ~13 ms per render; the app knows the fonts
    (``fonts.py``) and answers with the files that give the same picture.
    """
    everything = ["--skip-system-fonts"] + [a for d in font_dirs for a in ("--use-fonts-dir", d)]
    try:
        needed = svgtext.fonts_needed(svg)
    except Exception:  # unsure: resvg gets every font, as it would without this
        needed = None
    if needed is None:
        return everything
    families, chars = needed
    if not chars:
        return ["--skip-system-fonts"]  # no text: no font is read
    families = list(dict.fromkeys([*families, *(name for _option, name in _FAMILIES)]))
    _frame({"item": index, "fonts": {"families": families, "chars": chars}})
    answer = json.loads(sys.stdin.buffer.readline() or b"null")
    if not isinstance(answer, list):
        return everything
    return ["--skip-system-fonts"] + [a for path in answer for a in ("--use-font-file", path)]


def _resvg_all(
    index: int, resvg: str, fonts: list[str], svg: bytes, boxes: list[tuple[int, int]]
) -> None:
    """Render every box at once (one resvg process each), framing each PNG as it is done."""
    done: queue.Queue = queue.Queue()

    def render(number: int, box: tuple[int, int]) -> None:
        try:
            done.put((number, _resvg(resvg, fonts, svg, box), None))
        except ItemError as refused:
            done.put((number, None, refused))

    for number, box in enumerate(boxes):
        threading.Thread(target=render, args=(number, box), daemon=True).start()
    for _ in boxes:
        number, png, refused = done.get()
        if refused is not None:
            raise refused
        width, height = struct.unpack(">II", png[16:24])
        meta = {"width": width, "height": height, "format": "png"}
        _frame({"item": index, "box": number, **meta}, png)


def _resvg(resvg: str, fonts: list[str], svg: bytes, size: tuple[int, int]) -> bytes:
    """Render ``svg`` with the resvg command, fitted into ``size``; return PNG bytes."""
    families = [a for pair in _FAMILIES for a in pair]
    command = [resvg, "--quiet", *fonts, *families]
    command += ["-w", str(size[0]), "-h", str(size[1]), "-", "-c"]
    # resvg from our own resolved path, fed on stdin; nothing in the command comes from the file.
    done = subprocess.run(command, input=svg, capture_output=True, check=False)  # noqa: S603
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG\r\n\x1a\n"):
        message = done.stderr.decode("utf-8", "replace").lower()
        if "invalid size" in message or ("size" in message and "zero" in message):
            raise ItemError("vector_size")
        if done.returncode < 0 or "memory" in message:
            raise ItemError("vector_too_complex", what="limits")
        raise ItemError("damaged")
    return done.stdout


def _pdfium(index: int, data: bytes, boxes: list[tuple[int, int]], max_pixels: int) -> None:
    """Render the single page of ``data`` with PDFium into each box, framing raw RGBA."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise ItemError("damaged") from None
    try:
        if len(document) != 1:
            raise ItemError("pdf_pages", pages=len(document))
        page = document[0]
        points = page.get_size()
        if min(points) <= 0:
            raise ItemError("vector_size")
        for number, box in enumerate(boxes):
            scale = min(box[0] / points[0], box[1] / points[1])
            if round(points[0] * scale) * round(points[1] * scale) > max_pixels:
                raise ItemError("too_many_pixels", max_pixels=max_pixels)
            bitmap = page.render(
                scale=scale,
                fill_color=(255, 255, 255, 0),
                rev_byteorder=True,
                may_draw_forms=False,
                draw_annots=False,
            )
            meta = {"width": bitmap.width, "height": bitmap.height, "format": "rgba"}
            if bitmap.mode == "RGBA" and bitmap.stride == bitmap.width * 4:
                pixels = memoryview(bitmap.buffer).cast("B")  # as drawn: no 23 MB copy
            else:
                pixels = memoryview(bitmap.to_pil().convert("RGBA").tobytes())
            _frame({"item": index, "box": number, **meta}, pixels)
    finally:
        document.close()


def _frame(meta: dict, blob: bytes | memoryview = b"") -> None:
    """Write one frame to standard output: length, JSON (with the blob's length), blob."""
    encoded = json.dumps({**meta, "length": memoryview(blob).nbytes}).encode()
    out = sys.stdout.buffer
    out.write(struct.pack(">Q", len(encoded)))
    out.write(encoded)
    out.write(blob)
    out.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
