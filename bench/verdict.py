"""A target's verdict: one row of the bench's table of targets."""

from __future__ import annotations

from attrs import frozen


@frozen
class Check:
    engine: str
    target: str
    measured: str
    limit: str
    ok: bool | None  # None: information only

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "MISS", None: "info"}[self.ok]


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")
