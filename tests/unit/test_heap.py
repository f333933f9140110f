"""A server process freezes its start-up objects once the portal is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from clico_web import Settings
from clico_web.cli.serve import served_app
from clico_web.heap import freeze_startup_heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Give the test process's objects back to the collector afterwards."""
    assert gc.get_freeze_count() == 0
    try:
        yield
    finally:
        gc.unfreeze()


class Marker:
    """Something made before the freeze, which the collector then no longer walks."""


def test_the_objects_alive_at_start_up_are_frozen_and_later_ones_are_not(
        unfrozen: None) -> None:
    before = Marker()
    frozen = freeze_startup_heap()
    after = Marker()
    assert frozen == gc.get_freeze_count() > 0
    assert gc.is_tracked(before) and gc.is_tracked(after)
    walked = gc.get_objects()  # the generations a collection visits: not the frozen one
    assert any(o is after for o in walked)
    assert not any(o is before for o in walked)


def test_a_served_app_is_built_first_then_frozen(unfrozen: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    built: object = Marker()

    def create_app(settings: Settings) -> object:
        seen.append(gc.get_freeze_count())
        return built

    monkeypatch.setattr("clico_web.app.create_app", create_app)
    assert served_app(Settings()) is built
    assert seen == [0]  # nothing frozen while the portal is being built
    assert not any(o is built for o in gc.get_objects())  # the app itself is frozen
