"""Migration 0006 on data written before sealing: plain secrets are marked, still read, sealed
by the next write or by rotation; a downgrade keeps what it can (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.mapping import account_values, company_values
from clico_adapters.sql.resealing import ResealReport
from clico_adapters.sql.sealing import KeylessBox
from clico_adapters.sql.tables import accounts, companies, outbox
from clico_core.mail import REDACTED
from clico_core.testing import builders as b

from ..support import sealing_box

SECRETS = {"jan": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "ewa": "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"}
CODE = "123456"


def _mail(message_id: str, state: str, code: str) -> dict[str, Any]:
    return {"id": message_id, "created_at": b.T0, "template": "sign-in-code",
            "recipient": "jan@example.com", "language": "pl",
            "context": {"name": "Jan", "code": code, "minutes": "10"}, "state": state,
            "attempts": 0, "next_attempt_at": b.T0, "last_error": "",
            "sent_at": b.T0 if state == "sent" else None}


def _seed_the_0005_schema(db: SqlDatabase) -> dict[str, str]:
    """Rows as the code before sealing wrote them: plain secrets, codes in the context."""
    company = b.company()
    ids = {}
    with db.engine.begin() as connection:
        connection.execute(insert(companies).values(company_values(company)))
        for login, secret in SECRETS.items():
            account = b.account(company.id, login)
            row = account_values(account, KeylessBox())
            del row["notify_company_tickets"]  # migration 0010's
            connection.execute(insert(accounts).values({**row, "totp_secret": secret}))
            ids[login] = account.id
        connection.execute(insert(outbox).values(_mail("pending", "pending", CODE)))
        connection.execute(insert(outbox).values(_mail("sent", "sent", REDACTED)))
    return ids


def _raw(db: SqlDatabase) -> tuple[dict[str, str | None], dict[str, dict[str, Any]]]:
    with db.engine.connect() as connection:
        secrets = dict(connection.execute(select(accounts.c.login, accounts.c.totp_secret)).all())
        mails = {r["id"]: dict(r) for r in connection.execute(select(outbox)).mappings()}
    return secrets, mails


def test_plain_secrets_are_marked_read_and_then_sealed(empty_database_url: str) -> None:
    db = SqlDatabase.from_url(empty_database_url, box=sealing_box())
    try:
        db.upgrade("0005")
        ids = _seed_the_0005_schema(db)
        db.upgrade()

        secrets, mails = _raw(db)
        assert secrets == {login: f"plain:{s}" for login, s in SECRETS.items()}
        assert mails["pending"]["context"]["code"] == REDACTED
        assert mails["pending"]["sealed_context"] == f'plain:{{"code": "{CODE}"}}'
        assert mails["sent"]["sealed_context"] is None
        pending = db.mail_queue.get("pending")
        assert pending is not None and pending.mail.context["code"] == CODE
        with db.uow_factory() as uow:  # still read; the next write of the row seals it
            jan = uow.accounts.get(ids["jan"])
            assert jan is not None and jan.totp_secret == SECRETS["jan"]
            jan.record_sign_in(at=b.T0 + timedelta(hours=1))
            uow.accounts.update(jan)
            uow.commit()

        assert db.reseal_secrets() == ResealReport(totp_secrets=1, mail_contexts=1)
        secrets, mails = _raw(db)
        for login, stored in secrets.items():
            assert stored is not None and stored.startswith("v1:")
            assert SECRETS[login] not in stored
        assert mails["pending"]["sealed_context"].startswith("v1:")
        assert CODE not in mails["pending"]["sealed_context"]
        with db.uow_factory(readonly=True) as uow:
            assert [uow.accounts.get(ids[login]).totp_secret  # type: ignore[union-attr]
                    for login in SECRETS] == list(SECRETS.values())
        assert db.mail_queue.get("pending").mail.context["code"] == CODE  # type: ignore[union-attr]
    finally:
        db.dispose()


def test_a_downgrade_keeps_plain_values_and_drops_what_it_cannot_open(
        empty_database_url: str) -> None:
    db = SqlDatabase.from_url(empty_database_url, box=sealing_box())
    try:
        db.upgrade("0005")
        ids = _seed_the_0005_schema(db)
        db.upgrade()
        db.downgrade("0005")  # nothing sealed yet: everything back as it was
        secrets, mails = _raw_0005(db)
        assert secrets == SECRETS and mails["pending"]["context"]["code"] == CODE

        db.upgrade()
        assert db.reseal_secrets() == ResealReport(totp_secrets=2, mail_contexts=1)
        db.downgrade("0005")
        secrets, mails = _raw_0005(db)
        # sealed values cannot be opened without the key: e-mailed codes again, mail parked
        assert secrets == {"jan": None, "ewa": None}
        assert mails["pending"]["state"] == "failed" and mails["sent"]["state"] == "sent"
        db.upgrade()
        with db.uow_factory(readonly=True) as uow:
            jan = uow.accounts.get(ids["jan"])
            assert jan is not None and jan.totp_secret is None
    finally:
        db.dispose()


def _raw_0005(db: SqlDatabase) -> tuple[dict[str, str | None], dict[str, dict[str, Any]]]:
    # the outbox as migration 0005 left it: without the columns later migrations added
    later = {"sealed_context", "request_id"}  # 0006, 0022
    columns = [c for c in outbox.c if c.name not in later]
    with db.engine.connect() as connection:
        secrets = dict(connection.execute(select(accounts.c.login, accounts.c.totp_secret)).all())
        mails = {r["id"]: dict(r) for r in connection.execute(select(*columns)).mappings()}
    return secrets, mails
