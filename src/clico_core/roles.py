"""Who may do what: customers, engineers (``Inżynier``) and administrators (``Administrator``).

Staff screens and actions do not exist for a customer: they answer as another company's
ticket does (``NotFound``, a 404), so a customer cannot even learn their addresses. An engineer
who reaches an administrator's action is refused (``AdminOnly``, a 403). Every staff use case
starts with one of these checks (docs/security.md, "Roles").
"""

from __future__ import annotations

from .accounts import Account
from .errors import AdminOnly, NotFound
from .values import Role


def require_staff(account: Account) -> None:
    """An engineer or an administrator; anybody else gets ``NotFound``."""
    if not account.is_staff:
        raise NotFound()


def require_admin(account: Account) -> None:
    """An administrator; an engineer gets ``AdminOnly``, a customer ``NotFound``."""
    require_staff(account)
    if account.role is not Role.ADMIN:
        raise AdminOnly()
