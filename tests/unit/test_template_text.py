"""The remembered template text is the library's own output, whatever the input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache

import jinja2
from babel.dates import format_date, format_timedelta
from babel.support import Translations
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from clico_web.i18n import LANGUAGES, load_translations
from clico_web.rendering import Renderer
from clico_web.template_text import Ages, Dates, Messages

languages = st.sampled_from(LANGUAGES)
# up to ~30 years either way, to the second: every unit Babel picks, and its edges
deltas = st.integers(-10**9, 10**9).map(lambda s: timedelta(seconds=s))
moments = st.datetimes(datetime(2000, 1, 1), datetime(2040, 1, 1), timezones=st.just(UTC))


@given(languages, st.lists(deltas, min_size=1, max_size=30))
def test_an_age_is_what_format_timedelta_says(language: str, values: list[timedelta]) -> None:
    ages = Ages(language)  # one instance: later values are answered from what it remembers
    for delta in values:
        assert ages(delta) == format_timedelta(delta, locale=language)


def test_ages_at_the_unit_edges() -> None:
    ages = Ages("en")
    for seconds in (0, 1, 50, 51, 59, 3059, 3060, 5 * 86400, 6 * 86400 - 1, 6 * 86400,
                    26 * 86400, 27 * 86400, 320 * 86400, 400 * 86400):
        delta = timedelta(seconds=seconds)
        assert ages(delta) == format_timedelta(delta, locale="en"), seconds


@given(languages, st.lists(st.one_of(moments, st.dates()), min_size=1, max_size=30))
def test_a_date_is_what_format_date_says(language: str, values: list[date]) -> None:
    dates = Dates(language)
    for value in values:
        assert dates(value) == format_date(value, "medium", locale=language)


@cache
def _translations(language: str) -> Translations:
    return load_translations(language)


@cache
def _newstyle(language: str) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(  # type: ignore[attr-defined]
        _translations(language), newstyle=True)
    return env


MESSAGES = ["Activities", "Number of items: %(count)s", "100%% sure", "<b>not markup</b>",
            "%(time)s of business time left", "not in any catalog"]


@given(languages, st.lists(st.sampled_from(MESSAGES), min_size=1, max_size=10),
       st.text(max_size=20))
def test_a_message_is_what_jinja_newstyle_gettext_gives(
        language: str, messages: list[str], value: str) -> None:
    jinja = _newstyle(language).from_string(
        "{{ _(m, count=v, time=v) }}|{{ _(m) if '%(' not in m else '' }}")
    ours = Messages(_translations(language).gettext)
    for message in messages:
        expected = jinja.render(m=message, v=value)
        left = ours(message, count=value, time=value)
        right = ours(message) if "%(" not in message else ""
        assert isinstance(left, Markup)
        assert f"{left}|{right}" == expected


def test_the_portal_templates_use_the_remembered_text() -> None:
    renderer = Renderer({language: load_translations(language) for language in LANGUAGES})
    env = renderer.templates["pl"].env
    assert isinstance(env.globals["_"], Messages)
    assert isinstance(env.filters["date"], Dates) and isinstance(env.filters["age"], Ages)
    assert env.auto_reload is False
    assert Renderer({"pl": load_translations("pl")}, auto_reload=True) \
        .templates["pl"].env.auto_reload is True
