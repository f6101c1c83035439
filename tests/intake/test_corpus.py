"""Every file of the shared hostile-image corpus meets its manifest's expectation."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from gallery.intake import IntakeError, Limits, ProcessedImage, Refusal, process_image
from tests.intake.conftest import CORPUS_DIR, CORPUS_MISSING

LIMITS = Limits(min_side=1)

UNSUPPORTED = frozenset(
    {Refusal.UNSUPPORTED_FORMAT, Refusal.NOT_AN_IMAGE, Refusal.HEIC, Refusal.POSTSCRIPT}
)
# Drawings are cleaned and rendered now: the manifest's "unsupported" predates that, so an SVG
# or PDF row passes when it is refused for a drawing's own reason or comes out clean.
VECTOR_REFUSALS = frozenset(
    {
        Refusal.SVG_ENTITIES,
        Refusal.VECTOR_DAMAGED,
        Refusal.VECTOR_TOO_COMPLEX,
        Refusal.VECTOR_SIZE,
        Refusal.VECTOR_BLANK,
        Refusal.PDF_PAGES,
        Refusal.PDF_ENCRYPTED,
    }
)
# The first quoted phrase after REJECT names the reason; order matters ("HEIC not supported").
QUOTED_REASONS: tuple[tuple[str, frozenset[Refusal]], ...] = (
    ("empty", frozenset({Refusal.EMPTY})),
    ("too large", frozenset({Refusal.TOO_MANY_PIXELS})),
    ("heic", frozenset({Refusal.HEIC})),
    ("damaged", frozenset({Refusal.DAMAGED})),
    ("unsupported format", UNSUPPORTED),
    ("not an image", frozenset({Refusal.NOT_AN_IMAGE})),
    ("cannot read", frozenset({Refusal.DAMAGED, Refusal.NOT_AN_IMAGE})),
)


@dataclass(frozen=True)
class Row:
    """One manifest line: the file and what a careful pipeline should do with it."""

    path: Path
    what: str
    expected: str
    observed: str

    @property
    def accepted(self) -> bool:
        """Whether the manifest expects the upload to be accepted."""
        return self.expected.startswith("ACCEPT")


def read_manifest(tsv: Path, expected_column: str) -> list[Row]:
    """Parse a tab-separated manifest, skipping '#' comment lines."""
    lines = [line for line in tsv.read_text(encoding="utf-8").splitlines() if line.strip()]
    reader = csv.DictReader(
        (line for line in lines if not line.startswith("#")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    return [
        Row(
            path=tsv.parent / record["file"],
            what=record["what_it_is"],
            expected=record[expected_column].strip(),
            observed=record.get("observed_reference_pipeline_pillow13") or "",
        )
        for record in reader
    ]


def corpus_rows() -> list[Row]:
    """All rows of both manifests."""
    return read_manifest(
        CORPUS_DIR / "pillow" / "MANIFEST.tsv", "expected_behaviour_careful_pipeline"
    ) + read_manifest(CORPUS_DIR / "synthetic" / "SYNTHETIC.tsv", "expected_behaviour")


def corpus_params() -> list[object]:
    """Rows as pytest params; one visible skipped param when the corpus is absent."""
    if not CORPUS_DIR.is_dir():
        return [
            pytest.param(None, id="corpus-missing", marks=pytest.mark.skip(reason=CORPUS_MISSING))
        ]
    return [pytest.param(row, id=row.path.name) for row in corpus_rows()]


def expected_refusals(row: Row) -> frozenset[Refusal]:
    """Which refusals the manifest's REJECT text allows for this row."""
    text = row.expected.lower()
    quoted = re.search(r"reject[^']*'([^']*)'", text)
    if quoted:
        for phrase, refusals in QUOTED_REASONS:
            if phrase in quoted.group(1):
                return refusals
    if "decompressionbomb" in text or "too large" in text:
        return frozenset({Refusal.TOO_MANY_PIXELS})
    raise AssertionError(f"no refusal mapping for manifest text {row.expected!r}")


def observed_size(row: Row) -> tuple[int, int]:
    """Output size the reference pipeline saw ('-> RGB (1, 2)'), else the source header size."""
    match = re.search(r"->\s*[A-Z0-9;]+\s*\((\d+), (\d+)\)", row.observed)
    if match:
        return int(match.group(1)), int(match.group(2))
    with Image.open(row.path) as source:
        return source.size


def observed_frames(row: Row) -> int:
    """Frame count the reference pipeline reported, 1 for stills."""
    match = re.search(r"animated \((\d+) frames\)", row.observed)
    return int(match.group(1)) if match else 1


def source_has_usable_icc(data: bytes) -> bool:
    """Whether the source embeds an ICC profile that lcms can read."""
    with Image.open(BytesIO(data)) as source:
        icc = source.info.get("icc_profile")
    if not icc:
        return False
    try:
        ImageCms.ImageCmsProfile(BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        return False
    return True


def test_manifests_cover_every_corpus_file(corpus_dir: Path) -> None:
    """No corpus file escapes the parametrised specs below by missing from its manifest."""
    listed = {row.path.resolve() for row in corpus_rows()}
    on_disk = {
        path.resolve()
        for path in corpus_dir.glob("*/*")
        if path.suffix not in (".tsv", ".json", ".md")
    }
    assert on_disk, "corpus directory is empty"
    assert on_disk <= listed, sorted(p.name for p in on_disk - listed)
    assert all(row.expected.startswith(("ACCEPT", "REJECT")) for row in corpus_rows())


@pytest.mark.parametrize("row", corpus_params())
def test_corpus_file_meets_manifest(
    row: Row, assert_clean: Callable[[ProcessedImage], None]
) -> None:
    """Accepted rows come out clean and upright; refused rows raise the named IntakeError only."""
    data = row.path.read_bytes()
    if row.path.suffix in (".svg", ".svgz", ".pdf"):
        try:
            result = process_image(data, limits=LIMITS)
        except IntakeError as refused:
            assert refused.refusal in VECTOR_REFUSALS, row.expected
            return
        assert_clean(result)
        assert result.vector_source is not None
        for payload in (b"script", b"onload", b"alert", b"ENTITY", b"passwd"):
            assert payload not in result.vector_source
        return
    if not row.accepted:
        with pytest.raises(IntakeError) as refused:
            process_image(data, limits=LIMITS)
        assert refused.value.refusal in expected_refusals(row), row.expected
        return
    result = process_image(data, limits=LIMITS)
    assert (result.width, result.height) == observed_size(row)
    assert result.frames == observed_frames(row)
    assert_clean(result)
    master = Image.open(BytesIO(result.master))
    assert ("icc_profile" in master.info) == source_has_usable_icc(data)
