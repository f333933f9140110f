"""The secrets the database keeps readable, sealed with a ``SecretBox`` (docs/security.md).

Two columns hold them: ``accounts.totp_secret`` (an authenticator app's shared secret, bound
to the account) and ``outbox.sealed_context`` (a queued mail's code or link, bound to the
mail, dropped once it is sent). A value written before sealing existed carries the
``plain:`` marker (migration 0006 set it); it is still read, and the next write of the row or
``clico secrets rotate`` seals it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from clico_core.mail import REDACTED, SECRET_CONTEXT_KEYS
from clico_core.ports import SecretBox, SecretUnreadable

TOTP_SECRET = "totp-secret"
OUTBOX_CONTEXT = "outbox-context"
WEBHOOK_SECRET = "webhook-secret"  # webhook_endpoints.sealed_secret, bound to the endpoint
LEGACY = "plain:"


def seal(box: SecretBox, value: str | None, purpose: str, bound_to: str) -> str | None:
    return None if value is None else box.seal(value, purpose=purpose, bound_to=bound_to)


def unseal(box: SecretBox, stored: str | None, purpose: str, bound_to: str) -> str | None:
    if stored is None:
        return None
    if stored.startswith(LEGACY):
        return stored.removeprefix(LEGACY)
    return box.open(stored, purpose=purpose, bound_to=bound_to)


def needs_sealing(box: SecretBox, stored: str) -> bool:
    """True for a legacy plain value and for one sealed under a previous key."""
    return stored.startswith(LEGACY) or not box.is_current(stored)


def split_context(context: Mapping[str, str]) -> tuple[dict[str, str], str | None]:
    """``(public, secret JSON)``: the context with its secret values replaced by REDACTED,
    and those values as JSON (None when the mail carries none)."""
    secret = {k: v for k, v in context.items() if k in SECRET_CONTEXT_KEYS}
    public = {k: (REDACTED if k in secret else v) for k, v in context.items()}
    return public, (json.dumps(secret, sort_keys=True) if secret else None)


def join_context(public: Mapping[str, str], secret_json: str | None) -> dict[str, str]:
    context = dict(public)
    if secret_json is not None:
        context.update(json.loads(secret_json))
    return context


class KeylessBox:
    """The box of a ``SqlDatabase`` opened without one: it stores no secret rather than
    store it in clear, and opens none. Migrations and secret-free work run as usual."""

    def seal(self, plaintext: str, *, purpose: str, bound_to: str) -> str:
        raise RuntimeError(f"cannot store a secret ({purpose}): this database was opened "
                           "without a secret box (SqlDatabase.from_url(url, box=…))")

    def open(self, sealed: str, *, purpose: str, bound_to: str) -> str:
        raise SecretUnreadable(f"cannot open a secret ({purpose}): no secret box configured")

    def is_current(self, sealed: str) -> bool:
        return False
