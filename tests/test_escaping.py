"""Jinja's autoescaping stays on everywhere: whatever people type is never printed as markup."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# `{% autoescape false %}` blocks and the `|safe` filter: each prints a value unescaped.
_UNESCAPED = re.compile(r"{%-?\s*autoescape\s+false\b|\|\s*safe\b")


def unescaped_spots(source: str) -> list[str]:
    """Return the places in a template that switch escaping off."""
    return _UNESCAPED.findall(source)


def test_no_template_switches_escaping_off():
    """Values that are markup arrive as Markup from the code that made (and escaped) them."""
    found = {
        str(path.relative_to(TEMPLATES)): spots
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (spots := unescaped_spots(path.read_text()))
    }
    assert found == {}


def test_the_check_finds_both_ways_of_switching_escaping_off():
    """The check above would notice a block with escaping off and a value marked safe."""
    assert len(unescaped_spots("{% autoescape false %}{{ a }}{% endautoescape %}")) == 1
    assert len(unescaped_spots("{%- autoescape false -%}")) == 1
    assert len(unescaped_spots("<p>{{ card.title | safe }}</p>")) == 1
    assert unescaped_spots("{% autoescape true %}{{ safe_name }}{{ a|safer }}") == []
