"""What the conversation benches stand on: a company with a contract, a customer holding it
and an engineer (rows written directly), and tickets whose threads are grown through the
services, as replies are in use.

Both accounts sign in with ``seed.PASSWORD`` alone when given its hash
(``seed.password_hash``): no second factor, and the engineer holds an authenticator app,
so staff sign-in does not stop at enrolling one.
"""

from __future__ import annotations

from datetime import date

from clico_adapters import compose
from clico_adapters.config import Settings
from clico_core.contracts import Activation
from clico_core.policies import visible_scope
from clico_core.services import OpenTicket, PostReply, Services, Viewer
from clico_core.testing import builders as b
from clico_core.values import Role

from .databases import BENCH_SECRET_KEY
from .seed import BENCH_TOTP

CUSTOMER = "bench-customer"
ENGINEER = "bench-engineer"
UNUSABLE_HASH = "$argon2id$fake"  # the accounts sign in only through the services' viewers


def people(url: str, hashed: str = UNUSABLE_HASH) -> tuple[Viewer, Viewer]:
    """The customer and the engineer, as viewers of the services."""
    company = b.company()
    contract = b.contract(company.id, number="C-THREAD", valid_until=date(2100, 1, 1))
    customer = b.account(company.id, CUSTOMER, password_hash=hashed, two_factor=False)
    engineer = b.account(company.id, ENGINEER, role=Role.ENGINEER, password_hash=hashed,
                         two_factor=False, totp_secret=BENCH_TOTP)
    db = compose.open_database(Settings(database_url=url, secret_key=BENCH_SECRET_KEY))
    try:
        with db.uow_factory() as uow:
            uow.companies.add(company)
            uow.contracts.add(contract)
            for account in (customer, engineer):
                uow.accounts.add(account)
            uow.contracts.activate(Activation(contract.id, customer.id, b.T0))
            uow.commit()
    finally:
        db.dispose()
    return (Viewer(customer, "bench", (contract,), visible_scope(customer, (contract,))),
            Viewer(engineer, "bench", (), visible_scope(engineer, ())))


def open_answered(services: Services, customer: Viewer, engineer: Viewer, subject: str
                  ) -> str:
    """A customer's ticket with the engineer's first answer (two articles, status OPEN)."""
    number = services.open_ticket(customer, OpenTicket(subject, "<p>opening</p>")).number
    services.post_reply(engineer, PostReply(number, "<p>first answer</p>"))  # NEW → OPEN
    return number


def thread(services: Services, customer: Viewer, engineer: Viewer, subject: str,
           articles: int) -> str:
    """A ticket whose thread holds ``articles`` articles (the description first), the
    engineer and the customer answering each other."""
    number = open_answered(services, customer, engineer, subject)
    for index in range(articles - 2):
        who = customer if index % 2 else engineer
        services.post_reply(who, PostReply(number, f"<p>message {index}</p>"))
    return number
