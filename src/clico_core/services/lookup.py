"""Finding an account by what a person typed (a login, or the e-mail address)."""

from __future__ import annotations

import hashlib
import unicodedata

from ..accounts import Account
from ..ports import UnitOfWork
from ..values import login_key, lookup_text


def find_account(uow: UnitOfWork, identifier: str) -> Account | None:
    """The account with this login, or this e-mail (migrated accounts sign in with it)."""
    value = lookup_text(identifier)
    if value is None:
        return None
    if "@" in value:
        return uow.accounts.get_by_email(value) or uow.accounts.get_by_login(value)
    return uow.accounts.get_by_login(value)


def identifier_key(identifier: str) -> str:
    """A fixed-length rate-limit key for whatever was typed (known account or not), folded
    the same way for a login and an e-mail: NFKC, trimmed, case-folded."""
    folded = login_key(unicodedata.normalize("NFKC", identifier).strip()).encode(
        "utf-8", "surrogatepass")
    return hashlib.sha256(folded).hexdigest()[:32]
