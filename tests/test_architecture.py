"""The shape of the code: rooms per feature, no import cycles, one commit per request."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import tomllib
from pathlib import Path

import gallery
from gallery.refusals import Refused

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gallery"


def module_name(path: Path) -> str:
    """Return the dotted name of a module file under the project root."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path, known: set[str]) -> set[str]:
    """Return the gallery modules ``path`` imports when it is loaded (not inside functions)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return {m for m in found if m in known}


def import_graph() -> dict[str, set[str]]:
    """Return the module-level import graph of the gallery package (migrations aside)."""
    files = [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]
    known = {module_name(p) for p in files}
    return {module_name(p): top_level_imports(p, known) for p in files}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_import_graph_has_no_cycles():
    """No two modules of the package import each other, directly or through others."""
    graph = import_graph()
    assert len(graph) > 50, "the graph covers the package"
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    """The check itself sees a loop when there is one."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_is_exempted_from_being_at_the_top():
    """No E402 exemption, inline or in the lint settings."""
    for path in PACKAGE.rglob("*.py"):
        assert "E402" not in path.read_text(encoding="utf-8"), path
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ignores = settings["tool"]["ruff"]["lint"].get("per-file-ignores", {})
    assert all("E402" not in rules for rules in ignores.values())


def test_each_feature_lists_its_routes_in_its_blueprint_module():
    """Routes are added in blueprint.py only; view modules hold plain functions."""
    blueprint_modules = sorted(p.parent.name for p in PACKAGE.rglob("blueprint.py"))
    assert blueprint_modules == [
        "accounts",
        "curation",
        "ops",
        "packs",
        "printing",
        "public",
        "submissions",
    ]
    for path in PACKAGE.rglob("*.py"):
        if path.name == "blueprint.py" or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "Blueprint(" not in text and "@bp." not in text, path


def test_the_print_engine_needs_no_flask_and_no_database():
    """The engine is importable and testable without an app."""
    for path in (PACKAGE / "printing" / "engine").rglob("*.py"):
        imports = top_level_imports(path, {"flask", "flask_babel", "gallery.extensions"})
        text = path.read_text(encoding="utf-8")
        assert not imports and "flask" not in text and "current_app" not in text, path


def test_views_never_commit():
    """Views and blueprints flush through the domain; the request commits in one place."""
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "views" in path.stem or path.stem in ("blueprint", "claim", "admin", "pages", "feed"):
            assert "commit()" not in text, path


def all_modules():
    """Import every module of the package (migrations aside) and yield it."""
    for info in pkgutil.walk_packages(gallery.__path__, "gallery."):
        if ".migrations" in info.name:
            continue
        yield importlib.import_module(info.name)


def test_every_refusal_belongs_to_one_family():
    """Classes named as refusals derive from Refused, with reasons and an HTTP status."""
    found = []
    for module in all_modules():
        for name, kind in inspect.getmembers(module, inspect.isclass):
            if kind.__module__ == module.__name__ and name.endswith("Refused"):
                found.append(kind)
                assert issubclass(kind, Refused), kind
                assert 400 <= kind.status < 500, kind
    names = {kind.__name__ for kind in found}
    assert {"Refused", "DecisionRefused", "VoteRefused", "PairRefused", "ExportRefused"} <= names
    from gallery.accounts.operations import AccountError
    from gallery.submissions.operations import ImageAlreadySent

    assert issubclass(AccountError, Refused) and issubclass(ImageAlreadySent, Refused)
