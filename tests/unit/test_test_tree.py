"""The test tree stays walkable: a fixture comes from a ``conftest.py`` (found by name, never by
a star import), and a test module imports plain helpers from support modules only, never
another test module or a ``conftest.py`` (pytest loads those itself; importing them runs their
tests or hooks twice and hides where a name comes from)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


def _package_of(path: Path) -> str:
    """The dotted package holding ``path``, e.g. ``tests.integration``."""
    return ".".join(path.parent.relative_to(TESTS.parent).parts)


def _resolve(package: str, module: str | None, level: int) -> str:
    if not level:
        return module or ""
    base = package.split(".")
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _imports(tree: ast.AST, package: str) -> Iterator[tuple[int, list[str]]]:
    """Per import statement, each dotted name it may load: modules and ``from`` names alike."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, [alias.name]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(package, node.module, node.level)
            yield node.lineno, [base, *(f"{base}.{a.name}" for a in node.names if a.name != "*")]


def _tangle(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] != TESTS.name:
        return None
    if parts[-1].startswith("test_"):
        return f"imports the test module {name}"
    if "conftest" in parts:
        return f"imports {'.'.join(parts[:parts.index('conftest') + 1])} (a conftest.py)"
    return None


def problems(source: str, path: Path) -> list[str]:
    """What breaks the walkable tree in one source file under ``tests/``."""
    where = path.relative_to(TESTS.parent)
    tree = ast.parse(source, filename=str(path))
    found = [f"{where}:{node.lineno}: star import from {'.' * node.level}{node.module or ''}"
             for node in ast.walk(tree)
             if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)]
    for line, names in _imports(tree, _package_of(path)):
        tangles = [t for t in map(_tangle, names) if t]
        if tangles:
            found.append(f"{where}:{line}: {tangles[0]}")
    return found


def test_no_star_import_and_no_test_module_imports_another() -> None:
    sources = sorted(TESTS.rglob("*.py"))
    assert Path(__file__).resolve() in sources
    found = [problem for path in sources for problem in problems(path.read_text(), path)]
    assert found == [], (
        "fixtures come from conftest.py and shared helpers from support modules "
        "(web_fixtures.py, ticket_fixtures.py, mail_support.py, sql_support.py, support.py):\n"
        + "\n".join(found))


@pytest.mark.parametrize(("source", "expected"), [
    ("from .web_fixtures import *  # noqa: F403", "star import from .web_fixtures"),
    ("from ..support import *", "star import from ..support"),
    ("from .test_mail_delivery import EMAIL", "test module tests.integration.test_mail_delivery"),
    ("from . import test_web_app", "the test module tests.integration.test_web_app"),
    ("from ..unit.test_totp import jan", "the test module tests.unit.test_totp"),
    ("import tests.unit.test_signin", "the test module tests.unit.test_signin"),
    ("def f():\n    from tests.integration import test_cli", "tests.integration.test_cli"),
    ("from .conftest import PostgresDatabases", "tests.integration.conftest (a conftest.py)"),
])
def test_each_kind_of_tangle_is_found(source: str, expected: str) -> None:
    found = problems(source, TESTS / "integration" / "test_example.py")
    assert len(found) == 1, found
    assert found[0].startswith("tests/integration/test_example.py:")
    assert expected in found[0]


@pytest.mark.parametrize("source", [
    "from .web_fixtures import PASSWORD, csrf_of, form_post, sign_in_web",
    "from ..support import World\nfrom .mail_support import EMAIL, register",
    "from clico_core.testing import builders as b",
    "from clico_core.testing.conformance import UnitOfWorkConformance",
    "import pytest\nfrom hypothesis import strategies as st",
])
def test_helpers_and_libraries_may_be_imported(source: str) -> None:
    assert problems(source, TESTS / "integration" / "test_example.py") == []
