"""What a successful intake hands back: fresh bytes and facts about the picture."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProcessedImage:
    """A cleaned upload: a re-encoded master, WebP previews and hashes; no source metadata."""

    master: bytes
    master_format: str
    master_mime: str
    master_ext: str
    width: int
    height: int
    has_alpha: bool
    source_format: str
    frames: int
    content_sha256: str
    phash: int
    derivatives: dict[int, bytes]
    # The master reduced by ``print_factor``, in its format, for exports; None when small.
    print_factor: int = 1
    print_source: bytes | None = None
    # A vector upload's cleaned source ("svg" or "pdf"); exports render it at print size.
    vector_source: bytes | None = None
    vector_ext: str = ""

    def __repr__(self) -> str:
        """Keep logs short: sizes and hashes, never the image bytes."""
        return (
            f"ProcessedImage({self.master_format} {self.width}x{self.height}, "
            f"alpha={self.has_alpha}, source={self.source_format}, frames={self.frames}, "
            f"sha256={self.content_sha256[:12]}…, derivatives={sorted(self.derivatives)}, "
            f"print_factor={self.print_factor}, vector={self.vector_ext or '-'})"
        )
