"""``Portal.call``: blocking services in the thread pool, services from memory inline."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, cast

from clico_core.services import Services
from clico_web.portal import Portal
from clico_web.settings import Settings


def thread_of_a_call(services_block: bool) -> int:
    portal = Portal(Settings(secret_key="k" * 40), cast(Services, object()), {},
                    services_block=services_block)

    async def called() -> Any:
        return await portal.call(threading.get_ident)

    return cast(int, asyncio.run(called()))


def test_blocking_services_run_in_the_thread_pool() -> None:
    assert thread_of_a_call(True) != threading.get_ident()


def test_services_from_memory_run_on_the_event_loop() -> None:
    assert thread_of_a_call(False) == threading.get_ident()
