"""Image intake: turn untrusted upload bytes into clean, metadata-free pictures (pure Pillow)."""

from gallery.intake.errors import IntakeError, Refusal
from gallery.intake.hashing import hamming
from gallery.intake.limits import DERIVATIVE_WIDTHS, Limits, print_width_mm
from gallery.intake.pipeline import process_image
from gallery.intake.result import ProcessedImage

__all__ = [
    "DERIVATIVE_WIDTHS",
    "IntakeError",
    "Limits",
    "ProcessedImage",
    "Refusal",
    "hamming",
    "print_width_mm",
    "process_image",
]
