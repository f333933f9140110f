"""The runnable example of docs/embedding.md is executed, so the document stays true."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "embedding.md"


def test_embedding_example_runs() -> None:
    first_block = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert first_block is not None
    exec(compile(first_block.group(1), str(DOC), "exec"), {})
