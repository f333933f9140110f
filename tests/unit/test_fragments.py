"""Remembered page parts: keyed by every value they show, escaped, bounded, per language."""

from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup

from clico_web.fragments import Fragments
from clico_web.i18n import load_all
from clico_web.rendering import Renderer


def environment(templates: dict[str, str], max_entries: int = 100) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.globals["cached"] = Fragments(env, max_entries=max_entries)
    return env


def render(env: jinja2.Environment, template: str, /, **values: object) -> str:
    return env.get_template(template).render(values)


def test_a_fragment_shows_only_the_values_it_is_given() -> None:
    """Whatever else the page holds (another user's name here) the fragment cannot see it:
    what it shows is all in its key."""
    env = environment({"page": '{{ cached("part", name=name) }}',
                       "part": "<b>{{ name }}</b>{{ secret }}"})
    with pytest.raises(jinja2.UndefinedError):
        render(env, "page", name="Anna", secret="Bartek's company")


def test_each_value_is_its_own_entry_and_escaped() -> None:
    env = environment({"page": '{{ cached("row", subject=subject) }}',
                       "row": "<td>{{ subject }}</td>"})
    first = render(env, "page", subject="<script>alert(1)</script>")
    assert first == "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"
    assert render(env, "page", subject="Acme's VPN") == "<td>Acme&#39;s VPN</td>"
    # the very same text again: the remembered entry, still escaped
    assert render(env, "page", subject="<script>alert(1)</script>") == first


def test_markup_and_text_of_the_same_characters_are_two_entries() -> None:
    """``Markup("<b>")`` equals ``"<b>"``: keyed by value alone, the text would be answered
    with the markup's unescaped entry."""
    env = environment({"page": '{{ cached("part", value=value) }}', "part": "{{ value }}"})
    assert render(env, "page", value=Markup("<b>x</b>")) == "<b>x</b>"
    assert render(env, "page", value="<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"


def test_values_that_cannot_be_keys_are_refused() -> None:
    env = environment({"page": '{{ cached("part", rows=rows) }}', "part": "{{ rows }}"})
    with pytest.raises(TypeError):
        render(env, "page", rows=["a list can change after it was keyed"])


def test_the_cache_is_bounded() -> None:
    env = environment({"page": '{{ cached("part", n=n) }}', "part": "{{ n }}"}, max_entries=3)
    fragments = env.globals["cached"]
    assert isinstance(fragments, Fragments)
    for n in range(10):
        assert render(env, "page", n=n) == str(n)
    assert len(fragments) == 3
    assert render(env, "page", n=0) == "0"  # forgotten, rendered again


def test_with_no_room_nothing_is_kept() -> None:
    """Development mode (templates re-read when edited) keeps nothing."""
    env = environment({"page": '{{ cached("part", n=n) }}', "part": "{{ n }}"}, max_entries=0)
    render(env, "page", n=1)
    fragments = env.globals["cached"]
    assert isinstance(fragments, Fragments)
    assert len(fragments) == 0


def test_every_language_has_its_own_fragments() -> None:
    renderer = Renderer(load_all())
    shown = {}
    for language, templates in renderer.templates.items():
        env = templates.env
        shown[language] = str(env.globals["cached"](
            "portal/navigation.html", section="tickets", staff=False, admin=False))
    assert renderer.templates["pl"].env.globals["cached"] is not (
        renderer.templates["en"].env.globals["cached"])
    assert "Aktywności" in shown["pl"] and "Activities" not in shown["pl"]
    assert "Activities" in shown["en"] and "Aktywności" not in shown["en"]


def test_development_mode_remembers_nothing() -> None:
    renderer = Renderer(load_all(), auto_reload=True)
    fragments = renderer.templates["pl"].env.globals["cached"]
    fragments("portal/navigation.html", section="tickets", staff=False, admin=False)
    assert len(fragments) == 0
