"""A drawing's text looks the same when resvg is handed only the fonts it can use.

The worker asks the app which installed font files a drawing's text can use (``fonts.py``)
and hands resvg those instead of every font: each render below is compared, pixel for pixel,
with the same drawing rendered with every installed font, script by script.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from gallery.intake.vector import fonts, sandbox, svgtext

NOTO = any(Path(d, "truetype/noto").is_dir() for d in fonts.FONT_DIRS)


def _svg(body: str, style: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="120mm" height="40mm" viewBox="0 0 120 40">
<style>{style}</style><rect width="120" height="40" fill="#fd0"/>{body}</svg>""".encode()


def _text(content: str, **attributes: str) -> str:
    attributes = {"font_size": "14", **attributes}
    extra = " ".join(f'{name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<text x="4" y="26" {extra}>{content}</text>'


DRAWINGS = {
    "latin, named family": _svg(_text("FREEDOM 2024", font_family="DejaVu Sans")),
    "cyrillic, serif": _svg(_text("Свобода!", font_family="serif", font_weight="bold")),
    "devanagari falls back": _svg(_text("स्वतंत्रता", font_family="DejaVu Sans")),
    "arabic in a missing family": _svg(_text("حرية", font_family="'Arial', sans-serif")),
    "mixed scripts": _svg(
        _text("Liberté ελευθερία חופש เสรีภาพ ★✓♥", font_style="italic", font_size="5")
    ),
    "chinese and emoji": _svg(_text("自由 😀", font_family="monospace")),
    "noto by style sheet": _svg(
        _text("Solidarność Ğ", **{"class": "t"}), ".t{font-family:'Noto Serif'}"
    ),
    "inline style": _svg(_text("Wolność", style="font-family:Noto Sans;font-weight:700")),
    "a mark without a glyph": _svg(_text("office fia&#x20D8;", font_family="DejaVu Sans")),
    "spaces in a family's name": _svg(_text("Hello", font_family="Noto   Sans")),
    "lines and indents": _svg(
        '<text x="4" y="14" font-size="9" font-family="DejaVu Serif">\n\tΕλευθερία\n'
        '  <tspan x="4" dy="12">Հայաստան ﬁn</tspan>\n</text>'
    ),
    "font shorthand": _svg(_text("Liberty", style="font: italic 12px serif")),
    "no text": _svg('<circle cx="60" cy="20" r="15" fill="#c00"/>'),
}


def _render(svg: bytes) -> Image.Image:
    item = sandbox.Item("svg", svg, boxes=((600, 600),))
    [outcome] = sandbox.run([item], max_pixels=10_000_000, seconds=30, cpu_seconds=30)
    assert outcome.refusal is None, outcome
    return outcome.renders[0].image()


# Text every named face has a glyph for: resvg gets those faces' files only.
SUBSET = {
    "latin, named family",
    "cyrillic, serif",
    "noto by style sheet",
    "inline style",
    "spaces in a family's name",
    "lines and indents",
}
# No text: no font at all. A font shorthand: every font, without asking.
SILENT = {"no text", "font shorthand"}


@pytest.mark.skipif(not NOTO, reason="needs the Noto fonts (scripts/setup.sh installs them)")
@pytest.mark.parametrize("name", list(DRAWINGS))
def test_text_renders_as_with_every_font(name: str, monkeypatch) -> None:
    """Few files when they give the picture every font gives; every font otherwise."""
    asked: list[list[str] | None] = []
    answer = sandbox._font_files

    def recording(request):
        asked.append(answer(request))
        return asked[-1]

    monkeypatch.setattr(sandbox, "_font_files", recording)
    chosen = _render(DRAWINGS[name])
    if name in SILENT:
        assert asked == []
    elif name in SUBSET:
        [files] = asked
        assert files and len(files) < len(fonts.index()) / 4, files
    else:  # a character some named face lacks, or another script: every font, as before
        assert asked == [None]
        return  # both sides would load every font: nothing to compare
    monkeypatch.setattr(sandbox, "_font_files", lambda request: None)  # every font
    everything = _render(DRAWINGS[name])
    assert chosen.tobytes() == everything.tobytes()


def test_the_text_is_drawn_at_all() -> None:
    """The comparison above means something: a text's glyphs change the picture."""
    with_text = _render(DRAWINGS["latin, named family"])
    without = _render(_svg(""))
    assert with_text.tobytes() != without.tobytes()


def test_a_family_is_found_whatever_its_case(tmp_path: Path, monkeypatch) -> None:
    """Family names match in any case; a character a named face lacks means every font."""
    folders = [Path(d) for d in fonts.FONT_DIRS if Path(d).is_dir()]
    dejavu = [path for folder in folders for path in folder.rglob("DejaVuSans.ttf")]
    if not dejavu:
        pytest.skip("DejaVu Sans is not installed")
    shutil.copy(dejavu[0], tmp_path / "a.ttf")
    (tmp_path / "notes.txt").write_text("not a font")
    monkeypatch.setattr(fonts, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.setattr(fonts, "_faces", None)
    monkeypatch.setattr(fonts, "_stamp", ())
    font = str(tmp_path / "a.ttf")
    assert [Path(face.path).name for face in fonts.index()] == ["a.ttf"]
    assert fonts.select(["dejavu SANS"], "Жa ") == [font]
    assert fonts.select(["DejaVu Sans"], "自") is None  # the face has no glyph for it
    assert fonts.select(["Noto Sans"], "a") is None  # no face of the family: resvg decides
    # Hebrew and Arabic: the face has them, but their shapers may ask it for other characters.
    assert fonts.index()[0].has(ord("א")) and fonts.index()[0].has(ord("ب"))
    assert fonts.select(["DejaVu Sans"], "א") is None
    assert fonts.select(["DejaVu Sans"], "ب") is None
    # A font installed while the app runs is found once the next worker starts.
    (tmp_path / "more").mkdir()
    shutil.copy(dejavu[0], tmp_path / "more" / "b.ttf")
    fonts._refresh()  # what fonts.warm() runs on its thread
    more = str(tmp_path / "more" / "b.ttf")
    assert set(fonts.select(["DejaVu Sans"], "a") or ()) == {font, more}
    # A file this reader cannot read might be any family: text then gets every font.
    (tmp_path / "more" / "broken.ttf").write_bytes(b"\x00\x01\x00\x00 not really a font")
    fonts._refresh()
    assert fonts.select(["DejaVu Sans"], "a") is None


def test_what_the_text_asks_for() -> None:
    """Families from attributes, inline styles and style sheets; characters in either case."""
    svg = _svg(
        _text("Ab", font_family="'Noto Sans', serif")
        + _text("ç", style="font-family: &quot;DejaVu Serif&quot; !important"),
        ".x { font-family: Liberation Mono }",
    )
    families, chars = svgtext.fonts_needed(svg)
    assert families == ["DejaVu Serif", "Liberation Mono", "Noto Sans", "serif"]
    spaced = svgtext.fonts_needed(_svg(_text("x", font_family="Noto   Sans, 'A  B'")))
    assert spaced[0] == ["A  B", "A B", "Noto   Sans", "Noto Sans"]
    assert set(chars) == set(" AaBbçÇ")
    assert svgtext.fonts_needed(_svg("")) == ([], "")
    assert svgtext.fonts_needed(_svg(_text("x"), "text { font: 12px serif }")) is None
    assert svgtext.fonts_needed(_svg(_text("x", font_family="Open\\ Sans"))) is None


def test_a_strange_question_gets_every_font() -> None:
    """The worker's question is checked: anything malformed or too big means every font."""
    assert sandbox._font_files(["DejaVu Sans"]) is None
    assert sandbox._font_files({"families": "DejaVu Sans", "chars": "a"}) is None
    assert sandbox._font_files({"families": ["DejaVu Sans"]}) is None
    assert sandbox._font_files({"families": ["x"] * 1000, "chars": "a"}) is None
    assert sandbox._font_files({"families": ["DejaVu Sans"], "chars": "a" * 10_000}) is None
    assert sandbox._font_files({"families": ["DejaVu Sans"], "chars": "a"})


def test_a_drawing_asks_about_fonts_once() -> None:
    """A second question, or one for no drawing, ends the job: answers cannot pile up."""
    items = [sandbox.Item("svg", b"<svg/>", boxes=((1, 1),)), sandbox.Item("pdf", b"%", boxes=())]
    frames = sandbox._Frames(items, max_pixels=1, on_render=None)
    sent: list[bytes] = []
    frames.answer = sent.append
    question = {"families": ["DejaVu Sans"], "chars": "a"}
    assert frames._file({"item": 0, "fonts": question}, b"") is True
    assert len(sent) == 1 and sent[0].endswith(b"\n")
    assert frames._file({"item": 0, "fonts": question}, b"") is False
    assert frames._file({"item": 1, "fonts": question}, b"") is False  # not a drawing of SVG
    assert frames._file({"item": 7, "fonts": question}, b"") is False
    assert len(sent) == 1
