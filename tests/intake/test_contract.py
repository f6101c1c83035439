"""The contract: for any bytes, process_image returns a ProcessedImage or raises IntakeError."""

from __future__ import annotations

import dataclasses
import logging
import pickle
import random

import pytest
from PIL import Image

from gallery.intake import IntakeError, Limits, ProcessedImage, Refusal, process_image
from gallery.intake import pipeline as pipeline_module
from tests.intake.conftest import encode, photo

LIMITS = Limits(min_side=1)
MUTATIONS_PER_FORMAT = 60


def seed_files() -> dict[str, bytes]:
    """Small valid files of every accepted container, with metadata to corrupt."""
    im = photo((64, 48))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Camera"
    frames = [im, im.rotate(90), im.rotate(180)]
    return {
        "jpeg": encode(im, "JPEG", exif=exif, comment=b"hello"),
        "png": encode(im.convert("RGBA"), "PNG", exif=exif),
        "gif": encode(frames[0], "GIF", save_all=True, append_images=frames[1:]),
        "webp": encode(im, "WEBP", exif=exif),
        "apng": encode(frames[0], "PNG", save_all=True, append_images=frames[1:]),
    }


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Flip, overwrite, insert, delete or truncate a few bytes, keeping the magic mostly intact."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if len(buf) <= 4:
            break
        at = rng.randrange(4, len(buf))
        action = rng.choice(("flip", "byte", "insert", "delete", "truncate", "max"))
        if action == "flip":
            buf[at] ^= 1 << rng.randrange(8)
        elif action == "byte":
            buf[at] = rng.randrange(256)
        elif action == "insert":
            buf[at:at] = rng.randbytes(rng.randint(1, 16))
        elif action == "delete":
            del buf[at : at + rng.randint(1, 16)]
        elif action == "truncate":
            del buf[at:]
        else:  # saturate a length or dimension field
            buf[at : at + 4] = b"\xff\xff\xff\x7f"
    return bytes(buf)


@pytest.mark.parametrize("name", ["jpeg", "png", "gif", "webp", "apng"])
def test_mutated_files_never_raise_anything_but_intake_error(name: str) -> None:
    """Seeded random corruption of real files: only ProcessedImage or IntakeError, no warnings."""
    rng = random.Random(f"intake-{name}")
    seed = seed_files()[name]
    outcomes = {"accepted": 0, "refused": 0}
    for _ in range(MUTATIONS_PER_FORMAT):
        data = mutate(seed, rng)
        try:
            result = process_image(data, limits=LIMITS)
        except IntakeError as refused:
            assert isinstance(refused.refusal, Refusal)
            outcomes["refused"] += 1
        else:
            assert isinstance(result, ProcessedImage) and result.master
            outcomes["accepted"] += 1
    assert outcomes["refused"] > 0, outcomes  # the mutations really did break files


@pytest.mark.parametrize("name", ["jpeg", "png", "gif", "webp", "apng"])
def test_every_truncation_point_is_accepted_or_damaged(name: str) -> None:
    """Cutting a file anywhere yields a clean result or a refusal, never another exception."""
    data = seed_files()[name]
    for cut in range(0, len(data), max(1, len(data) // 40)):
        try:
            process_image(data[:cut], limits=LIMITS)
        except IntakeError as refused:
            assert refused.refusal in {Refusal.EMPTY, Refusal.DAMAGED, Refusal.NOT_AN_IMAGE}


def test_random_bytes_are_not_an_image() -> None:
    """Noise without any magic is refused as not an image."""
    rng = random.Random(7)
    for _ in range(50):
        with pytest.raises(IntakeError) as refused:
            process_image(b"\x00" + rng.randbytes(rng.randint(1, 4000)))
        assert refused.value.refusal is Refusal.NOT_AN_IMAGE


def test_unexpected_failure_inside_the_pipeline_becomes_damaged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug or an exotic Pillow error deep inside is logged and surfaces as IntakeError only."""

    def explode(*_args: object, **_kwargs: object) -> bytes:
        """Stand in for an encoder that fails in a way nobody anticipated."""
        raise RuntimeError("encoder exploded")

    monkeypatch.setattr(pipeline_module, "encode_webp", explode)
    with (
        caplog.at_level(logging.WARNING, logger="gallery.intake"),
        pytest.raises(IntakeError) as refused,
    ):
        process_image(encode(photo((32, 32)), "PNG"))
    assert refused.value.refusal is Refusal.DAMAGED
    assert refused.value.detail == {"error": "RuntimeError"}
    assert any("RuntimeError" in record.getMessage() for record in caplog.records)


def test_pillow_warnings_are_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    """Corrupt EXIF makes Pillow warn; the suite treats warnings as errors, intake logs them."""
    # IFD0 with one ASCII entry whose data offset points far past the end of the block.
    broken_ifd = b"II*\x00\x08\x00\x00\x00\x01\x00\x0f\x01\x02\x00d\x00\x00\x00\x88\x13\x00\x00"
    data = encode(photo((32, 32)), "JPEG", exif=b"Exif\x00\x00" + broken_ifd + b"\0\0\0\0")
    with caplog.at_level(logging.INFO, logger="gallery.intake"):
        result = process_image(data, limits=LIMITS)
    assert result.width == 32
    assert any("Pillow warned" in record.getMessage() for record in caplog.records)


def test_non_bytes_input_is_a_programming_error() -> None:
    """Passing a str or None is a caller bug, reported as TypeError, not as a refusal."""
    with pytest.raises(TypeError):
        process_image("not bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        process_image(None)  # type: ignore[arg-type]


def test_bytearray_and_memoryview_are_accepted() -> None:
    """Upload frameworks hand over various buffer types; all are read the same way."""
    data = encode(photo((32, 32)), "PNG")
    expected = process_image(data).content_sha256
    assert process_image(bytearray(data)).content_sha256 == expected
    assert process_image(memoryview(data)).content_sha256 == expected


def test_refusal_values_are_stable_strings() -> None:
    """The web layer and stored audit rows key on these values."""
    assert {refusal.value for refusal in Refusal} == {
        "empty",
        "file_too_large",
        "not_an_image",
        "unsupported_format",
        "heic",
        "too_many_pixels",
        "too_small",
        "damaged",
        "too_many_frames",
        "postscript",
        "pdf_pages",
        "pdf_encrypted",
        "svg_entities",
        "vector_damaged",
        "vector_too_complex",
        "vector_size",
        "vector_blank",
        "vector_unavailable",
    }
    assert Refusal.SVG_ENTITIES == "svg_entities"


def test_intake_error_carries_reason_and_detail_and_pickles() -> None:
    """Job queues can ship the error across processes without losing the reason."""
    error = IntakeError(Refusal.TOO_SMALL, {"min_side": 300})
    clone = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, round trip only
    assert (clone.refusal, clone.detail) == (Refusal.TOO_SMALL, {"min_side": 300})
    assert IntakeError(Refusal.EMPTY).detail == {}


def test_limits_defaults_and_immutability() -> None:
    """Defaults match the documented contract, and limits cannot be changed after creation."""
    limits = Limits()
    assert (limits.max_pixels, limits.min_side, limits.max_bytes) == (40_000_000, 1, 30 << 20)
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_pixels = 1  # type: ignore[misc]


def test_processed_image_is_frozen_and_its_repr_has_no_bytes() -> None:
    """Results are values; logging one never dumps megabytes of image data."""
    result = process_image(encode(photo((32, 32)), "PNG"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.width = 1  # type: ignore[misc]
    assert len(repr(result)) < 300
