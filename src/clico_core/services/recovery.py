"""Recovery codes on the account page: how many are left, ``Wygeneruj nowe kody``."""

from __future__ import annotations

from ..errors import PolicyViolation
from .context import Ports, Viewer
from .recovery_codes import issue_recovery_codes
from .totp import check_password


def regenerate_recovery_codes(viewer: Viewer, password: str, ports: Ports) -> tuple[str, ...]:
    """``Wygeneruj nowe kody``: needs the password and the app; the old set dies."""
    if not viewer.account.totp_secret:
        raise PolicyViolation("totp_not_enabled")
    now = ports.clock.now()
    check_password(viewer, password, ports, now)
    with ports.uow() as uow:
        codes = issue_recovery_codes(uow, ports, viewer.account.id, now)
        uow.commit()
    return codes


def recovery_codes_left(viewer: Viewer, ports: Ports) -> int:
    """How many unused recovery codes the viewer has (the account page says so)."""
    with ports.uow(readonly=True) as uow:
        return uow.accounts.recovery_codes_left(viewer.account.id)
