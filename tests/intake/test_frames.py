"""Animations are counted from headers and only their first frame is decoded and kept."""

from __future__ import annotations

import pytest
from PIL import GifImagePlugin, Image

from gallery.intake import Limits, process_image
from gallery.intake.frames import count_gif_frames
from tests.intake.conftest import encode, open_bytes

LIMITS = Limits(min_side=1)
COLOURS = [(220, 30, 30), (30, 220, 30), (30, 30, 220), (240, 240, 0)]


def animation(fmt: str, frames: int, **params: object) -> bytes:
    """An animation whose frames are solid, distinct colours (first one red)."""
    images = [Image.new("RGB", (48, 32), COLOURS[i % len(COLOURS)]) for i in range(frames)]
    return encode(images[0], fmt, save_all=True, append_images=images[1:], **params)


@pytest.mark.parametrize(
    ("fmt", "params"),
    [("GIF", {"duration": 50}), ("PNG", {"duration": 50}), ("WEBP", {"lossless": True})],
)
def test_animation_keeps_the_first_frame_and_reports_the_count(
    fmt: str, params: dict[str, object]
) -> None:
    """GIF, APNG and animated WebP give a still master of frame 1 and the true frame count."""
    result = process_image(animation(fmt, 4, **params), limits=LIMITS)
    assert result.frames == 4
    master = open_bytes(result.master)
    assert getattr(master, "n_frames", 1) == 1
    assert master.convert("RGB").getpixel((10, 10)) == COLOURS[0]
    assert result.master_format == "PNG"


def test_stills_report_one_frame() -> None:
    """A plain JPEG is one frame."""
    assert process_image(encode(Image.new("RGB", (8, 8)), "JPEG"), limits=LIMITS).frames == 1


def test_gif_frames_after_the_first_are_never_seeked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting uses a byte walk: a later frame with bomb-sized extents is never touched."""
    seeks: list[int] = []
    real_seek = GifImagePlugin.GifImageFile._seek

    def spy(self: GifImagePlugin.GifImageFile, frame: int, *args: object) -> None:
        """Record the frame number, then seek as usual."""
        seeks.append(frame)
        real_seek(self, frame, *args)

    monkeypatch.setattr(GifImagePlugin.GifImageFile, "_seek", spy)
    data = animation("GIF", 12, duration=40)
    result = process_image(data, limits=LIMITS)
    assert result.frames == 12
    assert seeks and max(seeks) == 0
    # Control: Pillow's own n_frames would have walked into later frames.
    assert open_bytes(data).n_frames == 12 and max(seeks) >= 11


@pytest.mark.parametrize("frames", [1, 2, 7, 300])
def test_gif_byte_walk_counts_like_pillow(frames: int) -> None:
    """The byte-level GIF frame count agrees with Pillow's own n_frames."""
    data = animation("GIF", frames, duration=20)
    assert count_gif_frames(data) == open_bytes(data).n_frames == frames


@pytest.mark.parametrize("junk", [b"", b"\x00", b"GIF89a", b"GIF89a" + b"\xff" * 20])
def test_gif_byte_walk_survives_garbage(junk: bytes) -> None:
    """Truncated or junk GIF bytes count as one frame instead of raising."""
    assert count_gif_frames(junk) == 1


def test_gif_byte_walk_stops_at_trailing_junk() -> None:
    """Bytes after the GIF trailer are not mistaken for frames."""
    data = animation("GIF", 3, duration=20)
    assert count_gif_frames(data + b"\x2c" * 50) == 3
