"""``GET /api/v1/kb/search`` on both engines: the portal's search for a token, each reader
finding only what it may read (a customer's token: public and customers' articles; a staff
token internal ones too; drafts nobody), in keyset pages, with snippets and the article's
page."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from clico_core.policies import visible_scope
from clico_core.services import CreateStaff, KbTextInput, SaveKbArticle, Viewer
from clico_core.values import Role

from ..support import PASSWORD, World
from .api_support import api_get, token_for


def _engineer(world: World) -> Viewer:
    """An active engineer (a password set from the invitation), seen as signed in."""
    account, path = world.services.create_staff_account(
        CreateStaff("eng@clico.pl", "Ewa", "Inżynier", Role.ENGINEER))
    world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    return Viewer(account, f"session-{account.id}", (), visible_scope(account, ()))


def _save(world: World, staff: Viewer, title: str, visibility: str, *,
          publish: bool = True, vendor: str = "PALO_ALTO") -> str:
    saved = world.services.save_kb_article(staff, SaveKbArticle(
        (KbTextInput("en", title, "<p>After an upgrade the VPN tunnel drops hourly.</p>"),),
        visibility, "VPN", (vendor,), publish))
    return str(saved.id)


def _found(client: TestClient, token: str, **params: str) -> Any:
    answer = api_get(client, "/kb/search", token, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_each_token_finds_what_its_reader_may_read(client: TestClient, web_world: World,
                                                   issued) -> None:  # type: ignore[no-untyped-def]
    world = web_world
    world.register("jan", contract=issued)
    staff = _engineer(world)
    public = _save(world, staff, "VPN tunnel drops after upgrade", "publiczny")
    customers = _save(world, staff, "VPN tunnel drops for customers", "klienci")
    internal = _save(world, staff, "VPN tunnel drops: internal procedure", "wewnętrzny")
    _save(world, staff, "VPN tunnel drops: draft", "publiczny", publish=False)
    _save(world, staff, "VPN tunnel drops on FortiGate", "publiczny", vendor="FORTINET")

    jan = token_for(world, "jan", "read")
    found = _found(client, jan, q="tunnel drops", lang="en", vendor="PALO_ALTO")
    assert {hit["article_id"] for hit in found["items"]} == {public, customers}
    hit = next(h for h in found["items"] if h["article_id"] == public)
    assert hit["url"] == f"/kb/{public}-vpn-tunnel-drops-after-upgrade"
    assert client.get(hit["url"]).status_code == 200  # the portal's page of that article
    assert hit["vendors"] == ["PALO_ALTO"] and hit["category"] == "VPN"
    assert hit["language"] == "en"
    assert {part["text"].lower() for part in hit["snippet"] if part["match"]} >= {"tunnel",
                                                                                  "drops"}
    assert found["next_cursor"] is None

    eng = token_for(world, staff.account.login, "read")
    seen = _found(client, eng, q="tunnel drops", lang="en", vendor="PALO_ALTO")
    assert {hit["article_id"] for hit in seen["items"]} == {public, customers, internal}


def test_pages_follow_the_cursor_and_bad_input_is_a_field_error(
        client: TestClient, web_world: World, issued) -> None:  # type: ignore[no-untyped-def]
    world = web_world
    world.register("jan", contract=issued)
    staff = _engineer(world)
    made = {_save(world, staff, f"Firewall rule {i} blocks VPN", "klienci") for i in range(5)}
    jan = token_for(world, "jan", "read")
    walked: list[str] = []
    cursor = ""
    for _ in range(5):
        page = _found(client, jan, q="firewall", lang="en", size="2", cursor=cursor)
        assert len(page["items"]) <= 2
        walked += [hit["article_id"] for hit in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert sorted(walked) == sorted(made) and len(walked) == len(set(walked))
    for params, field in [({}, "q"), ({"q": "  "}, "q"), ({"q": "vpn", "lang": "de"}, "lang"),
                          ({"q": "vpn", "size": "0"}, "size"),
                          ({"q": "vpn", "cursor": "nonsense"}, "cursor")]:
        refused = api_get(client, "/kb/search", jan, params=params)
        assert refused.status_code == 422, (params, refused.text)
        assert field in refused.text, refused.text
    # FTS syntax, quotes and long input are words, never an error
    for typed in ['"unclosed', "NEAR(a b) OR *", "x" * 10_000, "'; DROP TABLE x; --"]:
        assert api_get(client, "/kb/search", jan, params={"q": typed}).status_code == 200
