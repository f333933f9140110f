"""Personal access tokens: shown once, stored hashed, scoped, expiring, revocable, and
never interchangeable with a browser session."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from clico_core.api_tokens import TOKEN_PREFIX, ApiScope
from clico_core.errors import InsufficientScope, NotFound, PermissionDenied, ValidationFailed
from clico_core.services import CreateApiToken, require_api_scope

from ..support import World


@pytest.fixture
def jan(world: World) -> World:
    world.register("jan", contract=world.issue())
    return world


def test_a_token_is_prefixed_long_and_stored_only_as_a_hash(jan: World) -> None:
    viewer = jan.viewer()
    issued = jan.services.create_api_token(viewer, CreateApiToken("ci", "read", 90))
    assert issued.secret.startswith(TOKEN_PREFIX)
    random_part = issued.secret.removeprefix(TOKEN_PREFIX)
    assert len(random_part) * 6 >= 128 + 6  # base64url: 6 bits a character, ≥128 bits
    assert issued.token.token_hash != issued.secret
    store = jan.services.ports.uow().store  # type: ignore[attr-defined]
    assert issued.secret not in repr(copy.deepcopy(store.api_tokens))
    listed = jan.services.list_api_tokens(viewer)
    assert [(t.token.name, t.active) for t in listed] == [("ci", True)]
    assert issued.secret not in repr(listed)


def test_the_token_authenticates_with_its_scope_and_records_its_last_use(jan: World) -> None:
    issued = jan.services.create_api_token(jan.viewer(), CreateApiToken("ci", "write", 30))
    viewer = jan.services.authenticate_api_token(issued.secret, "198.51.100.7")
    assert viewer is not None and viewer.account.login == "jan"
    assert viewer.api_scope is ApiScope.WRITE and viewer.session_hash == ""
    (listed,) = jan.services.list_api_tokens(jan.viewer())
    assert listed.token.last_used_from == "198.51.100.7"
    assert listed.token.last_used_at == jan.services.ports.clock.now()


def test_expired_revoked_and_unknown_tokens_open_nothing(jan: World) -> None:
    viewer = jan.viewer()
    short = jan.services.create_api_token(viewer, CreateApiToken("short", "read", 1))
    kept = jan.services.create_api_token(viewer, CreateApiToken("kept", "read", None))
    assert jan.services.authenticate_api_token(short.secret) is not None
    jan.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    assert jan.services.authenticate_api_token(short.secret) is None
    assert jan.services.authenticate_api_token(kept.secret) is not None
    jan.services.revoke_api_token(jan.viewer(), kept.token.id)
    assert jan.services.authenticate_api_token(kept.secret) is None
    assert jan.services.authenticate_api_token(kept.secret[:-1] + "x") is None
    assert jan.services.authenticate_api_token("") is None


def test_a_session_token_is_not_an_api_token_and_back(jan: World) -> None:
    session = jan.sign_in()
    issued = jan.services.create_api_token(jan.viewer(), CreateApiToken("ci", "write", 30))
    assert jan.services.authenticate_api_token(session) is None
    assert jan.services.authenticate_api_token(TOKEN_PREFIX + session) is None
    assert jan.services.authenticate(issued.secret) is None


def test_a_read_token_cannot_write_and_no_token_manages_tokens(jan: World) -> None:
    issued = jan.services.create_api_token(jan.viewer(), CreateApiToken("ro", "read", 30))
    viewer = jan.services.authenticate_api_token(issued.secret)
    assert viewer is not None
    require_api_scope(viewer, ApiScope.READ)
    with pytest.raises(InsufficientScope):
        require_api_scope(viewer, ApiScope.WRITE)
    with pytest.raises(PermissionDenied):
        jan.services.create_api_token(viewer, CreateApiToken("more", "write", 30))
    with pytest.raises(PermissionDenied):
        jan.services.revoke_api_token(viewer, issued.token.id)


def test_one_cannot_revoke_another_accounts_token(jan: World) -> None:
    jan.register("ola", contract=jan.issue("C-2", "Other"), email="ola@example.com")
    issued = jan.services.create_api_token(jan.viewer(), CreateApiToken("ci", "read", 30))
    with pytest.raises(NotFound):
        jan.services.revoke_api_token(jan.viewer("ola"), issued.token.id)
    assert jan.services.authenticate_api_token(issued.secret) is not None


@pytest.mark.parametrize(("name", "scope", "days", "field"), [
    ("", "read", 30, "name"), ("x" * 101, "read", 30, "name"), ("ci", "admin", 30, "scope"),
    ("ci", "read", 0, "expires_in_days"), ("ci", "read", 100_000, "expires_in_days")])
def test_bad_input_names_the_field(jan: World, name: str, scope: str, days: int,
                                   field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        jan.services.create_api_token(jan.viewer(), CreateApiToken(name, scope, days))
    assert field in caught.value.fields


def test_operators_issue_list_and_revoke_by_login(jan: World) -> None:
    issued = jan.services.issue_api_token("jan", CreateApiToken("cli", "write", 90))
    assert issued.token.expires_at == jan.services.ports.clock.now() + timedelta(days=90)
    assert [t.token.id for t in jan.services.api_tokens_of("jan")] == [issued.token.id]
    jan.services.revoke_api_token_of("jan", issued.token.id)
    assert not jan.services.api_tokens_of("jan")[0].active
    with pytest.raises(NotFound):
        jan.services.issue_api_token("nobody", CreateApiToken("cli", "read", 90))


def test_a_disabled_accounts_tokens_stop_working(jan: World) -> None:
    issued = jan.services.issue_api_token("jan", CreateApiToken("cli", "read", 90))
    jan.services.disable_account("jan")
    assert jan.services.authenticate_api_token(issued.secret) is None
