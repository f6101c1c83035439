"""Cleaning of short texts that artists type (credits, titles)."""

from __future__ import annotations

import unicodedata

# Bidirectional overrides and isolates can disguise text (e.g. a credit that reads backwards).
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def clean_line(value: str | None) -> str:
    """Normalise to NFC, drop control and bidi-override characters, collapse white space."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value)
    text = "".join(
        ch
        for ch in text
        if ch not in _BIDI_CONTROLS and (unicodedata.category(ch) != "Cc" or ch in " \t")
    )
    return " ".join(text.split())


def clean_block(value: str | None) -> str:
    """Like ``clean_line`` but keep line breaks (for notes)."""
    if not value:
        return ""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(clean_line(line) for line in lines).strip()
