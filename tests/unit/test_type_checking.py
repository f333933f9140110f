"""mypy strict covers the whole of ``src``: the settings ``./manage test`` runs it with.

mypy itself runs in ``./manage test``; these checks keep its configuration from narrowing
again (a package left out, checking turned off for one of ours, a blanket ignore).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
MYPY = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
OWN = ("clico_core", "clico_adapters", "clico_web")
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[a-z-]+(?:,\s*[a-z-]+)*\])?")


def test_strict_over_all_of_src() -> None:
    assert MYPY["strict"] is True
    assert MYPY["files"] == ["src"]


def test_no_override_relaxes_our_own_modules() -> None:
    for override in MYPY.get("overrides", []):
        modules = override["module"]
        for module in [modules] if isinstance(modules, str) else modules:
            assert module.split(".")[0] not in OWN, override


def test_every_type_ignore_names_its_error_code() -> None:
    bare = [f"{path.relative_to(ROOT)}:{number}"
            for path in sorted(SRC.rglob("*.py"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            for found in IGNORE.finditer(line) if found["codes"] is None]
    assert bare == []
