"""Recovery codes: ten single-use codes that stand in for the authenticator app.

docs/security.md ("Second step"): 80 random bits each (NIST SP 800-63B look-up secrets),
stored only as purpose- and account-bound SHA-256 digests, shown once; a new set replaces the
old one; at the sign-in step they count against the same attempts as a code from the app.
"""

from __future__ import annotations

from datetime import datetime

from ..audit import AuditEvent, AuditKind
from ..ports import UnitOfWork
from ..tokens import hash_secret
from ..values import AccountId
from .context import Ports

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_BITS = 80  # 16 characters of the activation keys' alphabet
_GROUP = 4
# what people mistype in the unambiguous alphabet (Crockford's reading rules)
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def recovery_code_hash(account_id: AccountId, code: str) -> str:
    """The stored digest of a code as typed: case, spaces and dashes do not matter."""
    plain = "".join(ch for ch in code.upper() if ch.isalnum()).translate(_READ_AS)
    return hash_secret(f"recovery-code:{account_id}", plain[:64])


def _shown(raw: str) -> str:
    return "-".join(raw[i:i + _GROUP] for i in range(0, len(raw), _GROUP))


def issue_recovery_codes(uow: UnitOfWork, ports: Ports, account_id: AccountId,
                         now: datetime) -> tuple[str, ...]:
    """A new set replacing the old one, inside the caller's unit of work; the codes as shown
    (the only time they exist in clear)."""
    codes = tuple(_shown(ports.secrets.key(RECOVERY_CODE_BITS))
                  for _ in range(RECOVERY_CODE_COUNT))
    uow.accounts.replace_recovery_codes(
        account_id, [recovery_code_hash(account_id, c) for c in codes], now)
    uow.audit.record(AuditEvent(AuditKind.RECOVERY_CODES_GENERATED, now, account_id))
    return codes
