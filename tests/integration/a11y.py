"""Accessibility audits of every page state a browser test visits (axe-core, offline).

``axe-playwright-python`` bundles axe-core (``axe.min.js``), so no network is needed. Every
page that ``BrowserPages.open`` gives is watched by an ``Auditor``:

* a ``load`` event only marks the page as *pending* (Playwright's sync API cannot run a call
  from inside an event handler), and the audit runs in the test's own flow, before the next
  action through the page (``click``, ``fill``, ``get_by_role``…) and right after
  ``goto``/``reload``/``wait_for_url``/``wait_for_load_state``;
* ``set_viewport_size`` audits the new layout (a phone-width page is its own state);
* ``screenshot(page, name)`` audits the state it is about to record;
* ``BrowserPages.close`` (the fixture's teardown) audits the last state of every page.

Any violation fails the test at once with one line per element: the page, the rule id, its
impact, the element's selector and axe's one-line help. All rules axe runs by default are on
(WCAG 2.x A/AA and best practices); none is disabled (docs/architecture.md, "Browser tests").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
# the actions that read or change the page: audit what is pending before each of them
BEFORE = ("click", "dblclick", "fill", "type", "press", "check", "uncheck", "select_option",
          "set_input_files", "focus", "hover", "locator", "get_by_role", "get_by_label",
          "get_by_text", "get_by_placeholder", "get_by_title", "get_by_alt_text",
          "get_by_test_id", "inner_text", "text_content", "input_value", "content",
          "evaluate", "query_selector", "query_selector_all")
# navigations: audit the page they arrive at
AFTER = ("goto", "reload", "go_back", "go_forward", "wait_for_url", "wait_for_load_state",
         "set_content")
RETRIES = 3  # a navigation may replace the document while axe reads it: wait and read again


class A11yViolations(AssertionError):
    """axe-core found violations; the message lists them one element a line."""


def describe(url: str, violations: list[dict[str, Any]]) -> list[str]:
    """One readable line per violating element: ``page rule (impact) selector: help``."""
    parts = urlsplit(url)
    where = parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else url
    return [f"{where} {violation['id']} ({violation['impact']}) "
            f"{' >> '.join(map(str, node['target']))}: {violation['help']}"
            for violation in violations for node in violation["nodes"]]


def audit(page: Any) -> list[str]:
    """axe-core over the page as it is now; the lines of ``describe`` (empty: no violation)."""
    for attempt in range(RETRIES):
        if page.is_closed() or page.url == "about:blank":
            return []
        try:
            if page.main_frame.evaluate("document.contentType") != "text/html":
                return []  # an image or a file shown by the browser itself
            results = (AXE.run(page.main_frame) if getattr(page, "a11y_javascript", True)
                       else _audit_twin(page))
        except Exception as error:  # navigated away (or to) mid-audit
            if attempt == RETRIES - 1 or "context was destroyed" not in str(error):
                raise
            page.main_frame.wait_for_load_state("load")
            continue
        return describe(page.url, results.response["violations"])
    return []


def _audit_twin(page: Any) -> Any:
    """axe over a scriptless page: axe-core needs timers, which a context without JavaScript
    never runs, so the same document (its DOM, at its URL, with its cookies and viewport) is
    audited in a twin context whose own scripts are blocked, as they are in the original."""
    url, html = page.url, page.main_frame.content()
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        context.add_cookies(page.context.cookies())
        twin = context.new_page()
        twin.route(lambda address: address == url, lambda route: route.fulfill(
            body=html, content_type="text/html; charset=utf-8"))
        twin.route("**/*", lambda route: route.abort() if route.request.resource_type == "script"
                   else route.fallback())
        twin.goto(url)
        return AXE.run(twin)
    finally:
        context.close()


class Auditor:
    """Watches pages: audits each state before the test acts on it (see the module doc)."""

    def __init__(self) -> None:
        self.audits = 0
        self._pending: dict[int, bool] = {}

    def watch(self, page: Any, *, javascript: bool = True) -> Any:
        self._pending[id(page)] = False
        page.a11y_javascript = javascript
        page.on("load", lambda _: self._pending.__setitem__(id(page), True))
        for name in BEFORE:
            setattr(page, name, self._wrap(page, getattr(page, name), before=True))
        for name in AFTER:
            setattr(page, name, self._wrap(page, getattr(page, name), before=False))
        resize = page.set_viewport_size

        def set_viewport_size(*args: Any, **kwargs: Any) -> Any:
            result = resize(*args, **kwargs)
            self.check(page)
            return result

        page.set_viewport_size = set_viewport_size
        return page

    def _wrap(self, page: Any, method: Callable[..., Any], *, before: bool
              ) -> Callable[..., Any]:
        @functools.wraps(method)
        def audited(*args: Any, **kwargs: Any) -> Any:
            if before:
                self.settle(page)
            result = method(*args, **kwargs)
            if not before:
                self.check(page)
            return result
        return audited

    def settle(self, page: Any) -> None:
        """Audit the page if a document loaded since its last audit."""
        if self._pending.get(id(page)):
            self.check(page)

    def check(self, page: Any) -> None:
        """Audit the page now; raise ``A11yViolations`` listing what axe found."""
        self._pending[id(page)] = False
        self.audits += 1
        require_accessible(page)


def require_accessible(page: Any) -> None:
    """Raise ``A11yViolations`` if axe-core finds anything on the page as it is now."""
    lines = audit(page)
    if lines:
        raise A11yViolations("axe-core accessibility violations:\n  " + "\n  ".join(lines))
