"""clico_core: the pure domain of the CLICO support portal.

Entities (``Account``, ``Company``, ``Contract``, ``Asset``, ``Ticket``), policies, ports
(``typing.Protocol``s for persistence, mail, clock and secrets) and use-case services.
It imports only attrs and the standard library (``pip install clico-support`` installs
just that); ``clico_core.testing`` also needs the ``testing`` extra.
"""

from __future__ import annotations

from .accounts import Account, AccountState
from .assets import Asset
from .companies import Company
from .contracts import Activation, Contract
from .errors import ClicoError
from .mail import MailTemplate, OutgoingMail
from .questionnaires import Question, Questionnaire, QuestionnaireRegistry
from .services import Ports, Services, Viewer
from .tickets import Priority, RelationType, Ticket, TicketKind, TicketQuery, TicketStatus
from .values import Language, Role

__all__ = [
    "Account", "AccountState", "Activation", "Asset", "ClicoError", "Company", "Contract",
    "Language", "MailTemplate", "OutgoingMail", "Ports", "Priority", "Question", "Questionnaire",
    "QuestionnaireRegistry", "RelationType", "Role", "Services", "Ticket", "TicketKind",
    "TicketQuery", "TicketStatus", "Viewer",
]
