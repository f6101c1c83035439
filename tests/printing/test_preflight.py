"""`flask --app wsgi preflight FILE.pdf`: any PDF checked as a sticker shop's preflight does.

Our own sheets and singles pass; a file with its output intent removed, a misnamed spot
colour, an open or knocked-out cut path, a missing font program, device RGB or broken boxes
fails; touching cut paths and low resolution only warn.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from gallery.printing.engine.plan import plan_export
from gallery.printing.engine.render import render_export
from gallery.printing.engine.singles import SinglesOptions, plan_singles
from gallery.printing.engine.singles_pdf import render_singles
from tests.printing.export_kit import close_app, make_app
from tests.printing.render_kit import builtin_layouts, store, works

CHECKS = [
    "file",
    "boxes",
    "output-intent",
    "pdfx",
    "fonts",
    "actions",
    "colour",
    "resolution",
    "spot-name",
    "overprint",
    "closed-paths",
    "cut-gap",
    "cut-edge",
]


@pytest.fixture
def app(tmp_path):
    """An app (the command needs one) on a fresh database."""
    app = make_app(tmp_path)
    yield app
    close_app(app)


def _singles(tmp_path) -> Path:
    """Write die-cut singles of the test works; return the file."""
    storage = store(tmp_path)
    options = SinglesOptions(size_mm=40)
    singles = plan_singles([(s, 1) for s in works(storage)], options)
    pdf, _credits = render_singles(singles, options, storage=storage)
    path = tmp_path / "singles.pdf"
    path.write_bytes(pdf)
    return path


def _sheet(tmp_path, layout_id="silhouette-a4-12-circle-50", **changes) -> Path:
    """Write a sticker sheet of the test works on a built-in layout; return the file."""
    storage = store(tmp_path)
    layout = builtin_layouts()[layout_id]
    options = layout.defaults.replace(**changes)
    sheets = plan_export(layout, [(s, 2) for s in works(storage)], options)
    path = tmp_path / f"{layout_id}.pdf"
    path.write_bytes(render_export(layout, sheets, options, storage=storage, title="Sheet"))
    return path


def _run(runner, path: Path, *extra) -> tuple[int, dict[str, tuple[str, str]]]:
    """Run the command; return its exit code and {check: (status, reason)}."""
    result = runner.invoke(args=["preflight", str(path), *extra])
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(cells) == 3 for cells in lines), result.output
    return result.exit_code, {check: (status, reason) for status, check, reason in lines}


def _edited(path: Path, edit) -> Path:
    """Return a copy of ``path`` changed by ``edit(pdf)``."""
    out = path.with_name(f"edited-{path.name}")
    with pikepdf.open(path) as pdf:
        edit(pdf)
        pdf.save(out)
    return out


@pytest.mark.parametrize("make", [_singles, _sheet], ids=["singles", "sheet"])
def test_our_exports_pass_every_check(runner, tmp_path, make):
    """One tab-separated line per check, all ok, exit status 0."""
    code, checks = _run(runner, make(tmp_path), "--preset", "generic-die-cut")
    assert code == 0
    assert list(checks) == CHECKS
    assert {status for status, _ in checks.values()} == {"ok"}, checks
    assert checks["output-intent"][1].startswith("PDF/X output intent FOGRA39")


def test_removed_output_intent_fails(runner, tmp_path):
    """Without its PDF/X output intent a file is refused, whatever else is right."""

    def drop(pdf):
        del pdf.Root["/OutputIntents"]

    code, checks = _run(runner, _edited(_singles(tmp_path), drop))
    assert code == 1
    assert checks["output-intent"][0] == "fail"
    assert checks["boxes"][0] == "ok"


def test_srgb_pdfa_intent_is_not_a_pdfx_intent(runner, tmp_path):
    """The old sRGB GTS_PDFA1 intent, which shops reject, fails too."""

    def pdfa(pdf):
        pdf.Root.OutputIntents[0].S = pikepdf.Name.GTS_PDFA1

    code, checks = _run(runner, _edited(_singles(tmp_path), pdfa))
    assert code == 1 and checks["output-intent"][0] == "fail"


def _rename_spot(name: str):
    """Return an edit renaming the cut Separation on every page."""

    def rename(pdf):
        for page in pdf.pages:
            space = page.Resources.ColorSpace.CSCut
            space[1] = pikepdf.Name("/" + name)

    return rename


@pytest.mark.parametrize("name", ["Cutcontour", "Cut Contour", "CutContour2"])
def test_misnamed_spot_colour_fails(runner, tmp_path, name):
    """A die line whose spot colour is not exactly CutContour is refused, naming it."""
    code, checks = _run(
        runner, _edited(_singles(tmp_path), _rename_spot(name)), "--preset", "generic-die-cut"
    )
    assert code == 1
    status, reason = checks["spot-name"]
    assert status == "fail" and name in reason


def test_cut_path_without_overprint_fails(runner, tmp_path):
    """A cut stroke that knocks out the artwork is refused."""

    def knock_out(pdf):
        for page in pdf.pages:
            page.Resources.ExtGState.GSCut.OP = False

    code, checks = _run(runner, _edited(_singles(tmp_path), knock_out))
    assert code == 1 and checks["overprint"][0] == "fail"


def test_open_cut_path_fails(runner, tmp_path):
    """A cut path that does not close is refused."""

    def open_paths(pdf):
        pdf.pages[0].contents_coalesce()
        data = pdf.pages[0].Contents.read_bytes()
        # Without "h" the traced outline of the transparent work no longer closes (the
        # circles still end where they began, which is closed as far as a cutter cares).
        assert b"\nh\n" in data
        pdf.pages[0].Contents.write(data.replace(b"\nh\n", b"\n"))

    path = _edited(_sheet(tmp_path, "silhouette-a4-12-circle-50"), open_paths)
    code, checks = _run(runner, path)
    assert code == 1 and checks["closed-paths"][0] == "fail"


def _plain_pdf(tmp_path, content: bytes, *, font: bool = False, boxes: bool = True) -> Path:
    """Write a one-page PDF by hand (a file from elsewhere), with a PDF/X intent."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(200, 200))
    page.Contents = pdf.make_stream(content)
    if boxes:
        page.TrimBox = pikepdf.Array([10, 10, 190, 190])
        page.BleedBox = pikepdf.Array([5, 5, 195, 195])
    if font:
        page.Resources = pikepdf.Dictionary(
            Font=pikepdf.Dictionary(
                F1=pikepdf.Dictionary(
                    Type=pikepdf.Name.Font,
                    Subtype=pikepdf.Name.Type1,
                    BaseFont=pikepdf.Name.Helvetica,
                )
            )
        )
    path = tmp_path / "plain.pdf"
    pdf.save(path)
    return path


def test_a_font_that_is_not_embedded_fails(runner, tmp_path):
    """Text in a font the file does not carry is refused, naming the font."""
    path = _plain_pdf(tmp_path, b"BT /F1 12 Tf 20 20 Td (Hi) Tj ET", font=True)
    code, checks = _run(runner, path)
    assert code == 1
    assert checks["fonts"][0] == "fail" and "Helvetica" in checks["fonts"][1]


def test_device_rgb_and_missing_boxes_fail(runner, tmp_path):
    """Device RGB has no meaning on a CMYK press; a page without TrimBox has no trim."""
    path = _plain_pdf(tmp_path, b"1 0 0 rg 20 20 50 50 re f", boxes=False)
    code, checks = _run(runner, path)
    assert code == 1
    assert checks["colour"][0] == "fail" and checks["boxes"][0] == "fail"
    assert checks["output-intent"][0] == "fail" and checks["pdfx"][0] == "fail"


def test_boxes_that_are_not_nested_fail(runner, tmp_path):
    """A TrimBox reaching outside the BleedBox is refused."""

    def widen(pdf):
        trim = [float(v) for v in pdf.pages[0].TrimBox]
        pdf.pages[0].TrimBox = pikepdf.Array([trim[0] - 20, *trim[1:]])

    code, checks = _run(runner, _edited(_singles(tmp_path), widen))
    assert code == 1
    assert checks["boxes"][0] == "fail" and "page 1" in checks["boxes"][1]


def test_javascript_fails(runner, tmp_path):
    """A print file runs nothing."""

    def script(pdf):
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")

    code, checks = _run(runner, _edited(_singles(tmp_path), script))
    assert code == 1 and checks["actions"][0] == "fail"


def test_touching_labels_and_low_resolution_only_warn(runner, tmp_path):
    """Label stock cut along touching labels is normal at home: a warning, exit status 0."""
    path = _sheet(tmp_path, "avery-l7160", cut_lines=True, dpi=150)
    code, checks = _run(runner, path)
    assert code == 0
    assert checks["cut-gap"][0] == "warn" and "0.0 mm apart" in checks["cut-gap"][1]
    assert checks["resolution"][0] == "warn"
    assert {status for status, _ in checks.values()} <= {"ok", "warn"}


def test_a_die_cut_shop_fails_a_file_without_a_die_line(runner, tmp_path):
    """With the die-cut preset a sheet without cut paths fails; without a preset it is fine."""
    path = _sheet(tmp_path, "avery-l7163")
    assert _run(runner, path)[1]["spot-name"][0] == "ok"
    code, checks = _run(runner, path, "--preset", "generic-die-cut")
    assert code == 1 and checks["spot-name"][0] == "fail"


def test_an_unreadable_file_fails_calmly(runner, tmp_path):
    """Not a PDF: one failing line, no traceback."""
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"not a pdf at all")
    code, checks = _run(runner, path)
    assert code == 1 and list(checks) == ["file"]


def test_preflight_and_pdfx_code_load_only_when_used(tmp_path):
    """Building the app (print pages included) loads neither preflight, PDF/X nor pikepdf."""
    probe = (
        "import sys, json; from gallery import create_app; "
        f"create_app({{'DATABASE_URL': 'sqlite:///{tmp_path}/probe.db', 'SECRET_KEY': 'x', "
        f"'UPLOAD_DIR': '{tmp_path}/uploads', 'LOG_FORMAT': 'none'}}); "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[-1] in "
        "('preflight', 'pdfx', 'pdfscan', 'singles_pdf', 'singles_fit', 'cutcheck'))))"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_checks_read_bytes_and_paths_alike(tmp_path):
    """The engine takes a file's bytes as well as its path, with the same results."""
    from gallery.printing.engine.preflight import preflight

    path = _singles(tmp_path)
    assert [c.line() for c in preflight(path)] == [c.line() for c in preflight(path.read_bytes())]
