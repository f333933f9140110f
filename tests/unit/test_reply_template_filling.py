"""Filling a reply template is a plain substitution: values are escaped text, and nothing in
a template or a value is ever evaluated (docs/security.md, "Reply templates")."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from clico_core.reply_templates import fill_placeholders


def test_both_placeholders_are_filled_with_or_without_spaces() -> None:
    body = "<p>{{ customer_name }} / {{customer_name}} / {{  ticket_number }}</p>"
    assert fill_placeholders(body, {"customer_name": "Jan", "ticket_number": "CSS-000007"}) \
        == "<p>Jan / Jan / CSS-000007</p>"


def test_values_are_escaped_and_never_evaluated() -> None:
    values = {"customer_name": "<script>x</script> {{ ticket_number }}",
              "ticket_number": "{{ 7*7 }}"}
    filled = fill_placeholders("<p>{{ customer_name }}</p>", values)
    assert filled == "<p>&lt;script&gt;x&lt;/script&gt; {{ ticket_number }}</p>"


def test_anything_else_in_braces_stays_as_written() -> None:
    body = "<p>{{ 7*7 }} {% for x in y %}{{ config }}{% endfor %} {{ customer_name.upper() }}</p>"
    assert fill_placeholders(body, {"customer_name": "Jan"}) == body


@given(st.text(), st.text())
def test_a_filled_value_is_exactly_its_escaped_text(name: str, number: str) -> None:
    filled = fill_placeholders("[{{ customer_name }}|{{ ticket_number }}]",
                               {"customer_name": name, "ticket_number": number})
    assert filled == f"[{html.escape(name)}|{html.escape(number)}]"
