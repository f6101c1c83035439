"""Every user-facing string is translatable, and the catalogs are up to date."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
TRANSLATIONS = ROOT / "gallery" / "translations"

# Jinja statements, expressions, comments; then HTML comments, script/style bodies, and tags.
_JINJA = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_HTML_NOISE = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1>|<[^>]+>", re.S)
_ENTITY = re.compile(r"&[a-z]+;|&#\d+;")


def untranslated_template_text(source: str) -> list[str]:
    """Return visible words in a template that are not inside a gettext call."""
    text = _ENTITY.sub(" ", _HTML_NOISE.sub(" ", _JINJA.sub(" ", source)))
    return [word for word in text.split() if re.search(r"[^\W\d_]", word)]


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_have_no_untranslated_text(template):
    """Visible text in templates goes through _() (symbols and numbers are fine)."""
    assert untranslated_template_text(template.read_text()) == []


def test_the_template_check_catches_plain_text():
    """The checker itself flags a bare word and accepts translated text."""
    assert untranslated_template_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_template_text('<p>{{ _("Hello") }} — 5 × 3</p>') == []


# Calls whose first argument is shown to people: it must be a gettext call, not a literal.
# Refusals of every kind (``Refused`` and its family) count too.
_USER_FACING = {"flash", "ValidationError"}


def literal_user_messages(path: Path) -> list[str]:
    """Return `file:line` for user-facing calls given a plain string literal."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        first = node.args[0]
        literal = isinstance(first, ast.JoinedStr) or (
            isinstance(first, ast.Constant) and isinstance(first.value, str)
        )
        if (name in _USER_FACING or name.endswith("Refused")) and literal:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_python_messages_shown_to_people_are_translatable():
    """flash(), form errors and refusals take gettext strings, never bare literals."""
    offenders = [
        hit for path in (ROOT / "gallery").rglob("*.py") for hit in literal_user_messages(path)
    ]
    assert offenders == []


def extracted_ids(tmp_path: Path) -> set[str]:
    """Extract the current message ids from the code and templates."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(pot),
            "-k",
            "_l",
            "--no-location",
            "--omit-header",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def catalogs() -> list[Path]:
    """Return every language's .po file."""
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def test_russian_catalog_exists():
    """Russian ships with the app."""
    assert (TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po").exists()


@pytest.mark.parametrize("po", catalogs(), ids=lambda p: p.parts[-3])
def test_catalog_is_up_to_date_and_complete(po, tmp_path):
    """Each catalog has every current message translated, and nothing stale or fuzzy."""
    with po.open("rb") as handle:
        catalog = read_po(handle)
    current = extracted_ids(tmp_path)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert sorted(current - ids) == [], "run: pybabel extract + update (see README)"
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert untranslated == []


# --- The app really speaks Russian: pages, form errors, plurals and dates. ---

RUSSIAN_HINT = "Регистрация не нужна."


def test_the_language_cookie_gives_russian_pages(client):
    """The switcher's cookie turns the submission page Russian."""
    client.set_cookie("lang", "ru", domain="gallery.test")
    html = client.get("/submit").get_data(as_text=True)
    assert '<html lang="ru">' in html
    assert RUSSIAN_HINT in html
    assert "No account needed." not in html


def test_accept_language_gives_russian_pages(client):
    """Without a cookie the browser's Accept-Language decides."""
    html = client.get("/submit", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert RUSSIAN_HINT in html.get_data(as_text=True)
    english = client.get("/submit", headers={"Accept-Language": "ja, en;q=0.5"})
    assert "No account needed." in english.get_data(as_text=True)


def test_the_cookie_beats_accept_language(client):
    """A language picked in the switcher wins over the browser's preference."""
    client.set_cookie("lang", "en", domain="gallery.test")
    html = client.get("/submit", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "No account needed." in html


def test_form_errors_are_russian(client, make_image):
    """A submission without a credit is refused with the Russian message."""
    from tests.conftest import csrf_token_in

    client.set_cookie("lang", "ru", domain="gallery.test")
    html = client.get("/submit").get_data(as_text=True)
    started = re.search(r'name="started"[^>]*value="([^"]*)"', html) or re.search(
        r'value="([^"]*)"[^>]*name="started"', html
    )
    data = {
        "csrf_token": csrf_token_in(html),
        "started": started.group(1),
        "credit": "",
        "consent_publish": "y",
        "consent_print": "y",
        "licence": "campaign",
        "images-0-file": (io.BytesIO(make_image()), "a.png"),
    }
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "Укажите подпись автора или отметьте «Анонимно (без подписи)»." in page
    assert "Please enter a credit" not in page


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 лист"),
        (3, "3 листа"),
        (5, "5 листов"),
        (11, "11 листов"),
        (21, "21 лист"),
        (22, "22 листа"),
    ],
)
def test_russian_plurals_have_three_forms(app, count, expected):
    """ngettext picks the one / few / many form Russian needs."""
    from flask_babel import ngettext

    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert ngettext("%(num)s sheet", "%(num)s sheets", count) == expected


def test_template_strings_follow_the_language_in_force_at_each_moment(app):
    """A forced language switches template strings mid-request; the request's comes back."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = '{{ _("Log out") }}, {{ ngettext("%(num)d vote", "%(num)d votes", 5) }}'
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert render_template_string(page) == "Выйти, 5 оценок"
        with force_locale("en"):
            assert render_template_string(page) == "Log out, 5 votes"
        assert render_template_string(page) == "Выйти, 5 оценок"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(page) == "Log out, 5 votes"


def test_dates_are_localised(app):
    """Dates use Russian month names on Russian pages."""
    from flask_babel import format_date

    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert "марта" in format_date(date(2024, 3, 8), "long")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "March" in format_date(date(2024, 3, 8), "long")


def test_planner_refusals_reach_printers_translated(app):
    """The sheet planner's reasons are shown in the printer's language."""
    from gallery.printing.engine.plan import PlanError
    from gallery.printing.operations import plan_refusal

    error = PlanError("3 sheets is more than the limit of 2", "sheet_limit", sheets=3, limit=2)
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert plan_refusal(error) == "Для этого экспорта нужно 3 листа, а можно не больше 2."
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "limit of 2" in plan_refusal(error)


def test_languages_come_from_the_environment_as_a_json_list(tmp_path, monkeypatch):
    """GALLERY_LANGUAGES='["en", "ru", "uk"]' configures a third language."""
    from flask import Flask

    from gallery.config import load_config

    monkeypatch.setenv("GALLERY_LANGUAGES", '["en", "ru", "uk"]')
    bare = Flask("gallery", instance_path=str(tmp_path / "instance"))
    load_config(bare)
    assert list(bare.config["LANGUAGES"]) == ["en", "ru", "uk"]


def test_a_third_language_needs_no_code_change(app, client):
    """A configured code is offered in the switcher under its own name and can be chosen."""
    from gallery.i18n import LANGUAGE_NAMES, select_locale

    assert LANGUAGE_NAMES["ru"] == "Русский"
    assert LANGUAGE_NAMES.get("uk", "uk") == "Українська"
    app.config["LANGUAGES"] = ["en", "ru", "eo"]
    html = client.get("/submit").get_data(as_text=True)
    assert 'hreflang="eo"' in html
    assert "Esperanto" in html
    with app.test_request_context(headers={"Accept-Language": "eo"}):
        assert select_locale() == "eo"
    with app.app_context():
        assert select_locale() == "en"


def test_sheet_previews_are_labelled_in_russian(app):
    """The SVG preview's sheet title and low-resolution tooltip follow the page language."""
    from gallery.printing.choices import preview_texts
    from gallery.printing.engine.layouts import builtin_dir, load_layouts
    from gallery.printing.engine.plan import StickerSource, plan_export
    from gallery.printing.engine.preview import sheet_svg

    layout = load_layouts(builtin_dir())["avery-l7160"]
    blurry = StickerSource(1, "w/1.png", 100, 100, False, "Ann", "Title")
    sheet = plan_export(layout, [(blurry, 1)], layout.defaults)[0]
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        texts = preview_texts()
        svg = sheet_svg(layout, sheet, layout.defaults, image_url=lambda p: "/a.png", texts=texts)
    assert "<title>Avery L7160 / J8160, 21 этикетка 63,5 × 38,1 мм, лист 1</title>" in svg
    assert "Низкое разрешение:" in svg


# --- Six languages ship, each complete and each on by default. ---

SHIPPED = ("en", "ru", "uk", "de", "fr", "es")
# CLDR month names for 8 March 2024 in a long date; plural forms of "sheets" for 1, 3, 5, 21.
MARCH = {"ru": "марта", "uk": "березня", "de": "März", "fr": "mars", "es": "marzo", "en": "March"}
PLURAL_CLASSES = {
    "ru": (0, 1, 2, 0),
    "uk": (0, 1, 2, 0),
    "de": (0, 1, 1, 1),
    "fr": (0, 1, 1, 1),
    "es": (0, 1, 1, 1),
    "en": (0, 1, 1, 1),
}


def test_every_shipped_language_is_on_by_default_and_has_a_catalog(app):
    """The six languages are offered out of the box, each with its own catalog."""
    assert tuple(app.config["LANGUAGES"]) == SHIPPED
    for code in SHIPPED[1:]:
        assert (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").exists(), code


@pytest.mark.parametrize("code", SHIPPED)
def test_each_language_has_its_pages_switcher_name_dates_and_plurals(app, client, code):
    """A page in each language uses its catalog; dates and counts follow its rules."""
    from flask_babel import format_date, ngettext

    from gallery.i18n import language_name

    client.set_cookie("lang", code, domain="gallery.test")
    html = client.get("/submit").get_data(as_text=True)
    assert f'<html lang="{code}">' in html
    for other in SHIPPED:
        assert f">{language_name(other)}<" in html, other  # the switcher, in each own name
    with app.test_request_context(headers={"Accept-Language": code}):
        assert MARCH[code] in format_date(date(2024, 3, 8), "long")
        forms = [ngettext("%(num)s sheet", "%(num)s sheets", n) for n in (1, 3, 5, 21)]
    wanted = PLURAL_CLASSES[code]
    for i in range(4):
        for j in range(4):
            same_form = forms[i].split(" ", 1)[1] == forms[j].split(" ", 1)[1]
            assert same_form == (wanted[i] == wanted[j]), (code, forms)
    if code != "en":
        assert forms[0] != "1 sheet"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en", "33.9 · 90 · 1,234.5"), ("ru", "33,9 · 90 · 1 234,5"), ("de", "33,9 · 90 · 1.234,5")],
)
def test_measurements_are_written_as_each_language_writes_numbers(app, code, expected):
    """Millimetres and megabytes use the reader's decimal separator, without a needless ".0"."""
    from flask_babel import force_locale

    from gallery.i18n import decimal

    with app.test_request_context(), force_locale(code):
        shown = " · ".join(decimal(value) for value in (33.94, 90.0, 1234.5))
    assert shown.replace("\u00a0", " ").replace("\u202f", " ") == expected
