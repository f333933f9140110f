"""The sign-in throttle (docs/security.md): the counters a password attempt is checked
against and charged to, and the ones a completed sign-in or a reset forgives.

Every key comes from what was typed and the client's address, never from the account
found, so a known login, an unknown one and either's e-mail form all behave alike and the
refusal itself tells nothing. Only a browser holding a device cookie of the account (it
completed a sign-in there before, so it already knows) is treated differently: it skips
the slow-down every address shares and counts under its own device limits instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from attrs import frozen

from ..accounts import Account
from ..devices import TrustedDevice
from ..ports import UnitOfWork
from .context import Limits
from .lookup import identifier_key
from .ratelimit import address_key, retry_after, slowdown_wait


def _pair_key(identifier: str, address: str) -> str:
    return f"sign-in:pair:{identifier}:{address}"


def _slowdown_key(identifier: str) -> str:
    return f"sign-in:id:{identifier}"


@frozen
class Throttle:
    """The counters of one password attempt."""

    pair: str  # what was typed, from this address
    client: str  # this address, whatever was typed
    slowdown: str | None  # what was typed, from every address (None: a trusted browser)
    device: str | None  # the trusted browser's own counter

    @classmethod
    def of(cls, typed: str, client: str, device: TrustedDevice | None) -> Throttle:
        identifier, address = identifier_key(typed), address_key(client)
        return cls(_pair_key(identifier, address), f"sign-in:client:{address}",
                   None if device else _slowdown_key(identifier),
                   f"sign-in:device:{device.device_id}" if device else None)

    def waits(self, uow: UnitOfWork, limits: Limits, now: datetime
              ) -> list[timedelta | None]:
        """How long each counter still makes the attempt wait (None: not at all)."""
        rules = [(self.pair, limits.sign_in_per_identifier_client),
                 (self.pair, limits.sign_in_per_identifier_client_daily),
                 (self.client, limits.sign_in_per_client),
                 (self.client, limits.sign_in_per_client_daily)]
        if self.device is not None:
            rules += [(self.device, limits.sign_in_per_device),
                      (self.device, limits.sign_in_per_device_daily)]
        waits = [retry_after(uow, key, rule, now) for key, rule in rules]
        if self.slowdown is not None:
            waits.append(slowdown_wait(uow, self.slowdown, limits.sign_in_per_identifier, now))
        return waits

    def failure_keys(self) -> list[str]:
        return [key for key in (self.pair, self.client, self.slowdown, self.device) if key]


def trusted_device(devices: Iterable[TrustedDevice], account: Account | None,
                   now: datetime) -> TrustedDevice | None:
    """The device cookie, among those the browser holds, that still counts for ``account``."""
    if account is None:
        return None
    return next((d for d in devices if d.trusted_for(account.id, at=now)), None)


def _identifiers(account: Account) -> set[str]:
    """The keys of both forms one can type to sign in to the account."""
    return {identifier_key(account.login), identifier_key(account.email)}


def forgive_address(uow: UnitOfWork, account: Account, client: str) -> None:
    """After a completed sign-in, forget the failures on the account's login and e-mail
    from that address (NIST SP 800-63B: disregard the subscriber's earlier failures from
    the same address). The per-address counter stays: one's own account must not reset it."""
    address = address_key(client)
    for identifier in _identifiers(account):
        uow.attempts.clear(_pair_key(identifier, address))


def forgive_slowdown(uow: UnitOfWork, account: Account) -> None:
    """After a password reset (the owner proved the mailbox): lift the slow-down on the
    account's login and e-mail, so that a new browser can sign in at once."""
    for identifier in _identifiers(account):
        uow.attempts.clear(_slowdown_key(identifier))
