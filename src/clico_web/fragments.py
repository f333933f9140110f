"""Parts of a page rendered once and remembered: ``cached("portal/ticket_row.html", ...)``.

A template asks for a fragment with the values it shows; the fragment's own template is
rendered with **those values alone** (and the environment's globals: ``_``, the labels),
so it cannot show anything its key does not hold: two requests that pass equal values get
the same text, whoever makes them, and different values are different entries. There is one
cache per language environment, so a language never sees another's text.

The values must be hashable and equal only when they show the same (plain text, numbers,
enums, frozen attrs values); a list or a dict is refused (``TypeError``). What depends on
the request's session (the CSRF token) stays in the page around the fragments.

The cache is bounded (least recently used entries go first): the list's rows, filter form
and navigation are the same for everyone who reloads the same view all day, so a few
thousand entries hold them (docs/performance.md, "the page ceiling").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import jinja2
from markupsafe import Markup

MAX_FRAGMENTS = 4096  # per language; a row is ~0.5 KB, the filter form ~6 KB


class Fragments:
    """The ``cached`` global of one language's environment."""

    def __init__(self, environment: jinja2.Environment, max_entries: int = MAX_FRAGMENTS
                 ) -> None:
        self._environment = environment
        self.max_entries = max_entries
        self._known: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._known)

    def __call__(self, name: str, /, **values: Any) -> Markup:
        # the types too: equal values of two types may show differently (``Markup("<b>")``
        # equals ``"<b>"`` but is not escaped)
        key = (name, *values.items(), *map(type, values.values()))
        text = self._known.get(key)  # one dict operation: safe without the lock
        if text is not None:
            try:  # noqa: SIM105 (a with-statement costs more than the lookup)
                self._known.move_to_end(key)
            except KeyError:  # another thread evicted it just now
                pass
            return text
        # rendered with the values alone: the fragment sees nothing its key does not hold
        # (the template is autoescaped: its output is markup)
        text = Markup(self._environment.get_template(name).render(values))  # noqa: S704
        with self._lock:  # max_entries 0 (development): nothing is kept
            self._known[key] = text
            while len(self._known) > self.max_entries:
                self._known.popitem(last=False)
        return text
