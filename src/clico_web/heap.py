"""The server process's start-up objects kept out of the cyclic garbage collector's way.

A server process holds some 120,000 objects once the portal is built (modules, the
composed services, the routes, the translations, the template environment). CPython's full
(generation 2) collection walks all of them each time it runs: 40–56 ms on the bench's
machine, during which the process answers nothing, a few times a minute under load. They
live as long as the process, so walking them finds nothing: ``gc.freeze()`` moves them
into a generation the collector never visits, and a full collection then walks only what
was made since (about 4 ms). Reference counting still frees every object as usual; only a
reference cycle among frozen objects would stay until the process ends.

Called by ``clico serve`` in each server process once the portal is built (and by the
benchmarks' server, to measure what it serves). An application embedding ``create_app``
under another server may call it after building the app.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect once, then exempt every object alive now from later collections; returns
    how many objects are frozen in all."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
