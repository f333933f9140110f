"""What ``pip install clico-support`` gives: the pure core, with attrs and the standard library.

The declared dependencies are read from ``pyproject.toml`` and compared with what the code
imports (found with ``ast``, so nothing is installed or imported to find them). The static
layer rules are import-linter's contracts in ``pyproject.toml``; the runtime check below
covers what a static reading cannot (an import a dependency makes on our behalf).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OWN = {"clico_core", "clico_adapters", "clico_web"}
SELF = re.compile(r"clico-support\[([\w,-]+)\]")

# Which extras each part of the source may lean on (besides the base dependencies); the most
# specific path wins.
PARTS: dict[str, tuple[str, ...]] = {
    "clico_core": (),
    "clico_core/testing": ("testing",),
    "clico_adapters": (),
    "clico_adapters/memory": (),
    "clico_adapters/sql": ("sql",),
    # AES-GCM for the secrets the database keeps: cryptography comes with the sql extra
    "clico_adapters/secretbox.py": ("sql",),
    "clico_adapters/mail": ("mail",),
    "clico_adapters/webhooks": ("webhooks",),
    "clico_adapters/i18n": ("mail",),  # the catalogs of the mails and the portal
    "clico_adapters/passwords.py": ("adapters",),
    "clico_adapters/lowpriority.py": ("adapters",),
    "clico_adapters/totp.py": ("adapters",),
    "clico_adapters/sla_holidays.py": ("adapters",),
    "clico_adapters/html.py": ("adapters",),
    "clico_adapters/bootstrap.py": ("adapters",),
    "clico_adapters/config.py": ("adapters",),
    # blob stores and telling a file's type by its bytes (filetype)
    "clico_adapters/attachments": ("adapters",),
    # the composition root wires every adapter the portal runs on
    "clico_adapters/compose.py": ("adapters", "sql", "mail"),
    "clico_web": ("web",),
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(extras: Iterable[str] = ()) -> set[str]:
    """The base dependencies plus those of ``extras`` (and the extras they name), by name."""
    names: set[str] = set()
    requirements = list(PROJECT["dependencies"])
    for extra in extras:
        requirements += PROJECT["optional-dependencies"][extra]
    for requirement in requirements:
        own = SELF.fullmatch(requirement)
        if own:
            names |= declared(own[1].split(","))
        else:
            match = re.match(r"[A-Za-z0-9._-]+", requirement)
            assert match, requirement
            names.add(canonical(match[0]))
    return names


def imported_distributions(files: Iterable[Path]) -> set[str]:
    """The distributions whose top-level modules ``files`` import (not ours, not stdlib)."""
    modules: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            modules.update(name.split(".")[0] for name in names)
    modules -= OWN | set(sys.stdlib_module_names)
    owners = packages_distributions()
    unknown = sorted(m for m in modules if m not in owners)
    assert not unknown, f"imported but not installed by any distribution: {unknown}"
    return {canonical(dist) for module in modules for dist in owners[module]}


def part_of(path: Path) -> str:
    relative = path.relative_to(SRC).as_posix()
    matches = [p for p in PARTS if relative == p or relative.startswith(p + "/")]
    assert matches, f"{relative} belongs to no part of PARTS: add it there"
    return max(matches, key=len)


def files_of(part: str) -> list[Path]:
    return [path for path in SRC.rglob("*.py") if part_of(path) == part]


def test_the_base_dependencies_are_exactly_what_the_core_imports() -> None:
    assert imported_distributions(files_of("clico_core")) == declared()


@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_import_is_declared_in_the_extra_that_uses_it(part: str) -> None:
    undeclared = imported_distributions(files_of(part)) - declared(PARTS[part])
    assert not undeclared, f"{part} imports {sorted(undeclared)}, not in {PARTS[part] or 'base'}"


def test_importing_the_core_loads_only_attrs_and_the_standard_library() -> None:
    modules = sorted(".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(
        ".__init__") for path in files_of("clico_core"))
    code = (
        "import importlib, sys\n"
        "before = set(sys.modules)\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "allowed = set(sys.stdlib_module_names) | {'attr', 'attrs', 'clico_core'}\n"
        "loaded = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        # sysconfig's per-platform data module (zoneinfo reads it) is stdlib by another name
        "print(sorted(m for m in loaded - allowed if not m.startswith('_sysconfigdata')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout
