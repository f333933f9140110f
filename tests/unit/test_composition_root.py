"""The composition root stays the only one: read from the source, so it stays true.

- nothing writes the process environment to pass configuration on;
- outside ``clico_adapters`` only the root modules construct an adapter or a ``Services``;
- outside ``clico_adapters`` nothing reaches into ``services.ports``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
BENCH = ROOT / "bench"
ROOT_MODULES = {"src/clico_adapters/compose.py", "src/clico_adapters/bootstrap.py"}
# Measurements below the services, on purpose: the bulk loader writes rows with its own
# engine (no pool, no fsync), and the argon2 rate is the hasher's alone.
BELOW_THE_SERVICES = {"bench/seed.py", "bench/kb_seed.py", "bench/argon2_rate.py"}
# CLI queries that read through the unit of work until they become named use cases;
# an entry goes when its module no longer needs it (the test says so).

ADAPTERS = {
    # persistence
    "SqlDatabase", "SqlUnitOfWorkFactory", "SqlMailQueue", "create_clico_engine",
    "MemoryStore", "MemoryUnitOfWorkFactory", "MemoryMailQueue",
    # attachments' bytes
    "FilesystemBlobStore", "MemoryBlobStore",
    # mail
    "MailWorker", "MailRenderer", "transport_from_url", "SmtpTransport", "MaildirTransport",
    "MemoryTransport",
    # the other ports
    "Argon2Hasher", "LowPriorityRunner", "SystemClock", "FixedClock", "SteppingClock",
    "SystemSecrets", "SeededSecrets", "PyotpVerifier", "AesGcmSecretBox",
    # wiring them
    "bootstrap", "Services", "Ports",
}
ENVIRON_WRITERS = {"setdefault", "update", "pop", "popitem", "clear", "__setitem__",
                   "__delitem__"}


def _modules(*folders: Path) -> Iterator[tuple[str, ast.Module]]:
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            yield name, ast.parse(path.read_text(encoding="utf-8"), name)


def _is_environ(node: ast.AST, aliases: set[str]) -> bool:
    """``os.environ`` or a name bound to it by ``from os import environ``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) \
            and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id in aliases


def environment_writes(tree: ast.Module) -> list[int]:
    """Lines that change the process environment."""
    aliases = {alias.asname or alias.name for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and node.module == "os"
               for alias in node.names if alias.name == "environ"}
    lines = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Subscript) and _is_environ(t.value, aliases) for t in targets):
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            if (func.attr in ENVIRON_WRITERS and _is_environ(func.value, aliases)) or (
                    func.attr in ("putenv", "unsetenv") and isinstance(func.value, ast.Name)
                    and func.value.id == "os"):
                lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                alias.name in ("putenv", "unsetenv") for alias in node.names):
            lines.append(node.lineno)
    return lines


def _called(func: ast.expr) -> str | None:
    """The adapter a call constructs: ``X(…)``, ``mod.X(…)``, ``X.from_url(…)``."""
    if isinstance(func, ast.Name):
        return func.id if func.id in ADAPTERS else None
    if isinstance(func, ast.Attribute):
        if func.attr in ADAPTERS:
            return func.attr
        return _called(func.value)
    return None


def adapter_constructions(tree: ast.Module) -> list[tuple[int, str]]:
    return [(node.lineno, name) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and (name := _called(node.func)) is not None]


def ports_reached(tree: ast.Module) -> list[int]:
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "ports"]


def test_no_code_writes_the_environment() -> None:
    found = {name: lines for name, tree in _modules(SRC, BENCH)
             if (lines := environment_writes(tree))}
    assert found == {}


def test_only_the_root_constructs_adapters() -> None:
    found = {name: calls for name, tree in _modules(SRC, BENCH)
             if not name.startswith("src/clico_adapters/")
             and name not in BELOW_THE_SERVICES
             if (calls := adapter_constructions(tree))}
    assert found == {}


def test_the_root_modules_are_where_the_adapters_are_built() -> None:
    built = {name for name, tree in _modules(SRC / "clico_adapters")
             if name in ROOT_MODULES and adapter_constructions(tree)}
    assert built == ROOT_MODULES


def test_nothing_outside_the_adapters_reaches_into_the_ports() -> None:
    found = {name: lines for name, tree in _modules(SRC / "clico_web", BENCH)
             if (lines := ports_reached(tree))}
    assert found == {}


WRITES = """
import os
from os import environ as env, putenv
os.environ["A"] = "1"
os.environ.setdefault("B", "2")
env["C"] = "3"
del os.environ["D"]
os.environ.update(E="5")
os.putenv("F", "6")
value = os.environ.get("G", "") + os.environ["H"]
copy = {**os.environ, "I": "9"}
"""
BUILDS = """
from clico_adapters import sql
db = SqlDatabase.from_url(url)
hasher = Argon2Hasher(nice=1)
other = sql.SqlDatabase(engine)
services = Services(evolve(ports, secrets=keys))
backend = compose.build(settings, hasher=CountingHasher(settings))
"""


@pytest.mark.parametrize(("source", "check", "expected"), [
    (WRITES, environment_writes, [3, 4, 5, 6, 7, 8, 9]),
    (BUILDS, adapter_constructions, [(3, "SqlDatabase"), (4, "Argon2Hasher"),
                                     (5, "SqlDatabase"), (6, "Services")]),
    ("x = services.ports.uow\ny = portal.services.now()\n", ports_reached, [1]),
])
def test_the_checks_see_what_they_look_for(source: str, check: object,
                                           expected: list[object]) -> None:
    assert sorted(check(ast.parse(source))) == expected  # type: ignore[operator]
