"""Personal access tokens (``Tokeny API``): create, list, revoke, and who a token is.

The secret is ``clico_pat_`` + 256 random bits, returned once by ``create_api_token`` and
stored only as a purpose-bound hash. A token opens the API only (the web authenticates
sessions, never tokens), within its scope; docs/security.md, "API tokens".
"""

from __future__ import annotations

from datetime import timedelta

from attrs import field, frozen

from ..accounts import Account, AccountState
from ..api_tokens import (
    API_TOKEN_BYTES,
    API_TOKEN_PURPOSE,
    MAX_LIFETIME,
    MAX_TOKENS_PER_ACCOUNT,
    NAME_MAX,
    TOKEN_PREFIX,
    ApiScope,
    ApiToken,
)
from ..audit import AuditEvent, AuditKind
from ..errors import (
    InsufficientScope,
    NotFound,
    PermissionDenied,
    PolicyViolation,
    ValidationFailed,
)
from ..policies import visible_scope
from ..ports import UnitOfWork
from ..tokens import hash_secret
from .context import Ports, Viewer, best_effort
from .lookup import find_account


@frozen
class CreateApiToken:
    """``name`` tells the tokens apart; ``expires_in_days`` None: the token never expires."""

    name: str
    scope: str
    expires_in_days: int | None = field(default=90)


@frozen
class IssuedApiToken:
    """A new token and its secret: the only time the secret is ever shown."""

    token: ApiToken
    secret: str


def _checked(cmd: CreateApiToken) -> tuple[str, ApiScope, timedelta | None]:
    errors: dict[str, str] = {}
    name = cmd.name.strip()
    if not name:
        errors["name"] = "required"
    elif len(name) > NAME_MAX or any(ord(ch) < 32 for ch in name):
        errors["name"] = "invalid"
    try:
        scope = ApiScope(cmd.scope)
    except ValueError:
        errors["scope"] = "invalid"
        scope = ApiScope.READ
    lifetime = None
    if cmd.expires_in_days is not None:
        if not 1 <= cmd.expires_in_days <= MAX_LIFETIME.days:
            errors["expires_in_days"] = "invalid"
        else:
            lifetime = timedelta(days=cmd.expires_in_days)
    if errors:
        raise ValidationFailed(errors)
    return name, scope, lifetime


def _issue(account: Account, cmd: CreateApiToken, ports: Ports, client: str) -> IssuedApiToken:
    name, scope, lifetime = _checked(cmd)
    now = ports.clock.now()
    secret = TOKEN_PREFIX + ports.secrets.token(API_TOKEN_BYTES)
    token = ApiToken(ports.secrets.new_id(), account.id, name,
                     hash_secret(API_TOKEN_PURPOSE, secret), scope, now,
                     None if lifetime is None else now + lifetime)
    with ports.uow() as uow:
        live = [t for t in uow.api_tokens.list_for(account.id) if t.usable(at=now)]
        if len(live) >= MAX_TOKENS_PER_ACCOUNT:
            raise PolicyViolation("api_token_limit")
        uow.api_tokens.add(token)
        uow.audit.record(AuditEvent(AuditKind.API_TOKEN_CREATED, now, account.id, client,
                                    f"{token.id} {scope}"))
        uow.commit()
    return IssuedApiToken(token, secret)


@frozen
class ListedApiToken:
    """A token as the lists show it, with whether it works now (not revoked or expired)."""

    token: ApiToken
    active: bool


def _listed(tokens: list[ApiToken], ports: Ports) -> list[ListedApiToken]:
    now = ports.clock.now()
    return [ListedApiToken(t, t.usable(at=now)) for t in tokens]


def _browser_only(viewer: Viewer) -> None:
    # a token cannot mint or revoke tokens: only a signed-in person can
    if viewer.api_scope is not None:
        raise PermissionDenied("api tokens are managed from a browser session")


def create_api_token(viewer: Viewer, cmd: CreateApiToken, ports: Ports,
                     client: str = "") -> IssuedApiToken:
    """A new token for the signed-in account (``Tokeny API``)."""
    _browser_only(viewer)
    return _issue(viewer.account, cmd, ports, client)


def list_api_tokens(viewer: Viewer, ports: Ports) -> list[ListedApiToken]:
    """The signed-in account's tokens, newest first."""
    with ports.uow(readonly=True) as uow:
        return _listed(uow.api_tokens.list_for(viewer.account.id), ports)


def _revoke(account_id: str, token_id: str, ports: Ports, client: str) -> None:
    now = ports.clock.now()
    with ports.uow() as uow:
        token = uow.api_tokens.get(token_id)
        if token is None or token.account_id != account_id:
            raise NotFound()
        if uow.api_tokens.revoke(token_id, now):
            uow.audit.record(AuditEvent(AuditKind.API_TOKEN_REVOKED, now, account_id, client,
                                        token_id))
        uow.commit()


def revoke_api_token(viewer: Viewer, token_id: str, ports: Ports, client: str = "") -> None:
    """Revoke one of the signed-in account's tokens at once (idempotent)."""
    _browser_only(viewer)
    _revoke(viewer.account.id, token_id, ports, client)


def _account(login: str, ports: Ports) -> Account:
    with ports.uow(readonly=True) as uow:
        account = find_account(uow, login)
    if account is None:
        raise NotFound()
    return account


def issue_api_token(login: str, cmd: CreateApiToken, ports: Ports) -> IssuedApiToken:
    """Operators (``clico tokens create``): a new token for the account ``login``."""
    return _issue(_account(login, ports), cmd, ports, "cli")


def api_tokens_of(login: str, ports: Ports) -> list[ListedApiToken]:
    """Operators (``clico tokens list``): the tokens of the account ``login``."""
    account = _account(login, ports)
    with ports.uow(readonly=True) as uow:
        return _listed(uow.api_tokens.list_for(account.id), ports)


def revoke_api_token_of(login: str, token_id: str, ports: Ports) -> None:
    """Operators (``clico tokens revoke``): revoke a token of the account ``login``."""
    _revoke(_account(login, ports).id, token_id, ports, "cli")


def token_viewer_in(uow: UnitOfWork, secret: str, ports: Ports
                    ) -> tuple[Viewer, ApiToken] | None:
    """``authenticate_api_token``'s lookup inside a unit of work the caller holds (so that a
    read can share it), with the token for ``touch_token_if_due``."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    holder = uow.api_tokens.get_with_holder(hash_secret(API_TOKEN_PURPOSE, secret),
                                            ports.today())
    if holder is None or not holder.token.usable(at=ports.clock.now()):
        return None
    token, account, contracts = holder.token, holder.account, holder.active_contracts
    if account.state is not AccountState.ACTIVE:
        return None
    return Viewer(account, "", contracts, visible_scope(account, contracts),
                  api_scope=token.scope), token


def touch_token_if_due(token: ApiToken, client: str, ports: Ports) -> None:
    """Record the token's last use (time and address), at most once a minute, in a write
    unit of work of its own after the read; skipped while the store cannot take writes."""
    now = ports.clock.now()
    if not token.touch_due(at=now, client=client):
        return

    def touch() -> None:
        with ports.uow() as uow:
            uow.api_tokens.touch(token.id, now, client[:128])
            uow.commit()

    best_effort(ports, touch)  # a store that cannot write still answers reads


def authenticate_api_token(secret: str, ports: Ports, client: str = "") -> Viewer | None:
    """The viewer behind a bearer token, or None: unknown, revoked, expired, or its account
    is not active. Records the token's last use (time and address) at most once a minute."""
    with ports.uow(readonly=True) as uow:
        found = token_viewer_in(uow, secret, ports)
    if found is None:
        return None
    viewer, token = found
    touch_token_if_due(token, client, ports)
    return viewer


def require_api_scope(viewer: Viewer, needed: ApiScope) -> None:
    """Refuse (``PermissionDenied``) a token whose grant does not cover ``needed``; a browser
    session is never asked (it is not a token)."""
    if viewer.api_scope is None:
        return
    if viewer.api_scope is not ApiScope.WRITE and needed is not ApiScope.READ:
        raise InsufficientScope()
