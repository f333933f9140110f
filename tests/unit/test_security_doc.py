"""docs/security.md names, for every rule, the tests that prove it: each named test exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
# `unit/test_x.py::test_name`, then `::test_other` for more tests of the same file
_CITED = re.compile(r"`(?:(?P<file>(?:unit|integration)/[\w/]+\.py)(?:::(?P<first>\w+))?"
                    r"|::(?P<more>\w+))`")


def cited() -> list[tuple[str, str | None]]:
    pairs: list[tuple[str, str | None]] = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        current = None
        for match in _CITED.finditer(line):
            if match["file"]:
                current = match["file"]
                pairs.append((current, match["first"]))
            elif current is not None:
                pairs.append((current, match["more"]))
    return pairs


def test_the_document_cites_tests() -> None:
    assert len(cited()) > 50


def test_every_cited_test_file_and_test_exists() -> None:
    missing = []
    for file, name in cited():
        path = ROOT / "tests" / file
        if not path.is_file():
            missing.append(file)
        elif name and not re.search(rf"\b(?:def|class) {name}\b", path.read_text("utf-8")):
            missing.append(f"{file}::{name}")
    assert missing == []
