"""Secrets the database keeps readable are sealed (SQLite and PostgreSQL): the raw rows never
hold them, tampering is refused, rotation re-seals so the old key can go, and sign-in with an
authenticator app and mail delivery over SMTP work throughout."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import select, update

from clico_adapters.mail import MailRenderer, MailWorker, transport_from_url
from clico_adapters.memory import SteppingClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.resealing import ResealReport, _rewrite
from clico_adapters.sql.sealing import TOTP_SECRET
from clico_adapters.sql.tables import accounts, outbox
from clico_core.mail import REDACTED, DeliveryState, MailTemplate, OutgoingMail
from clico_core.ports import SecretUnreadable
from clico_core.services import SignIn
from clico_core.sessions import SecondFactor
from clico_core.values import Language

from ..support import PASSWORD, World, sealing_box
from .smtp import SmtpServer
from .sql_support import START, sql_world

OLD_KEY = "the key the portal ran with until today, 40+ chars"
NEW_KEY = "the key it runs with from today on, also 40+ chars"


@pytest.fixture(scope="module")
def hasher() -> Argon2Hasher:
    return Argon2Hasher.minimum()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def _account_secret(db: SqlDatabase, login: str) -> str:
    with db.engine.connect() as connection:
        stored = connection.execute(select(accounts.c.totp_secret).where(
            accounts.c.login == login)).scalar_one()
    assert isinstance(stored, str)
    return stored


def _set_account_secret(db: SqlDatabase, login: str, stored: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(accounts).where(accounts.c.login == login)
                           .values(totp_secret=stored))


def _outbox_rows(db: SqlDatabase) -> list[dict[str, Any]]:
    with db.engine.connect() as connection:
        return [dict(r) for r in connection.execute(select(outbox).order_by(outbox.c.seq))
                .mappings()]


def _enrol(world: World, login: str = "jan") -> pyotp.TOTP:
    viewer = world.viewer(login)
    setup = world.services.begin_totp(viewer)
    totp = pyotp.TOTP(setup.secret)
    world.services.enable_totp(viewer, setup.secret, totp.at(world.services.ports.clock.now()),
                               PASSWORD)
    return totp


def _sign_in_with_the_app(world: World, totp: pyotp.TOTP, login: str = "jan") -> None:
    world.clock.advance(timedelta(seconds=30))  # a step not used yet
    step = world.services.sign_in(SignIn(login, PASSWORD))
    assert step.second_factor is SecondFactor.TOTP
    done = world.services.verify_code(step.session_token,
                                      totp.at(world.services.ports.clock.now()))
    assert done.complete


def _altered(sealed: str) -> str:
    head, _, payload = sealed.rpartition(":")
    middle = len(payload) // 2
    other = "B" if payload[middle] == "A" else "A"
    return f"{head}:{payload[:middle]}{other}{payload[middle + 1:]}"


def test_the_authenticator_secret_is_stored_sealed_and_still_signs_in(
        database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        world.register(contract=world.issue())
        totp = _enrol(world)
        stored = _account_secret(db, "jan")
        assert stored.startswith(f"v1:{sealing_box().key_id}:")
        assert totp.secret not in stored and totp.secret.lower() not in stored.lower()
        _sign_in_with_the_app(world, totp)


def test_codes_and_links_are_sealed_until_the_mail_is_sent_over_smtp(
        database_url: str, hasher: Argon2Hasher, smtp: SmtpServer) -> None:
    with sql_world(database_url, hasher) as (world, db):
        world.register(contract=world.issue())
        step = world.services.sign_in(SignIn("jan", PASSWORD, "203.0.113.9"))
        code = world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
        link = world.last_mail(MailTemplate.CONFIRM_EMAIL).mail.context["link_path"]
        rows = _outbox_rows(db)
        for row in rows:
            raw = json.dumps({k: str(v) for k, v in row.items()})
            assert code not in raw and link.rsplit("/", 1)[-1] not in raw
        [code_row] = [r for r in rows if r["template"] == MailTemplate.SIGN_IN_CODE.value]
        assert code_row["context"]["code"] == REDACTED
        assert code_row["sealed_context"].startswith("v1:")

        worker = MailWorker(db.mail_queue, transport_from_url(smtp.url),
                            MailRenderer("https://portal.example.test"), world.clock)
        assert worker.run_once() == len(rows)
        mails = [smtp.wait_for("jan@example.com") for _ in rows]
        assert any(code in m.get_body(("plain",)).get_content() for m in mails)  # type: ignore[union-attr]
        assert all(r["sealed_context"] is None and r["state"] == DeliveryState.SENT.value
                   for r in _outbox_rows(db))
        assert world.services.verify_code(step.session_token, code).complete


def test_an_altered_or_moved_secret_is_refused_never_ignored(
        database_url: str, hasher: Argon2Hasher, smtp: SmtpServer) -> None:
    with sql_world(database_url, hasher) as (world, db):
        issued = world.issue()
        world.register("jan", contract=issued)
        world.register("ewa", contract=issued)
        _enrol(world, "jan")
        world.services.request_password_reset("ewa")
        sealed = _account_secret(db, "jan")

        _set_account_secret(db, "jan", _altered(sealed))
        with pytest.raises(SecretUnreadable):  # not a sign-in with the e-mailed code instead
            world.services.sign_in(SignIn("jan", PASSWORD))
        _set_account_secret(db, "jan", sealed)
        _set_account_secret(db, "ewa", sealed)  # jan's secret copied onto ewa's row
        with pytest.raises(SecretUnreadable), db.uow_factory(readonly=True) as uow:
            uow.accounts.get_by_login("ewa")

        [reset] = [r for r in _outbox_rows(db)
                   if r["template"] == MailTemplate.PASSWORD_RESET.value]
        with db.engine.begin() as connection:
            connection.execute(update(outbox).where(outbox.c.id == reset["id"]).values(
                sealed_context=_altered(reset["sealed_context"])))
        worker = MailWorker(db.mail_queue, transport_from_url(smtp.url),
                            MailRenderer("https://portal.example.test"), world.clock)
        others = len(_outbox_rows(db)) - 1
        assert worker.run_once() == others  # the altered mail is parked, the rest go out
        parked = next(r for r in _outbox_rows(db) if r["id"] == reset["id"])
        assert parked["state"] == DeliveryState.FAILED.value
        assert "sealed" in parked["last_error"]


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(START)


@pytest.fixture
def old_key_data(database_url: str, hasher: Argon2Hasher, clock: SteppingClock
                 ) -> pyotp.TOTP:
    """jan with an authenticator app and a pending reset link, sealed under the old key."""
    with sql_world(database_url, hasher, box=sealing_box(OLD_KEY), clock=clock) as (world, _):
        world.register(contract=world.issue())
        totp = _enrol(world)
        world.services.request_password_reset("jan")
    return totp


def test_rotation_reseals_everything_and_then_the_old_key_can_go(
        database_url: str, hasher: Argon2Hasher, clock: SteppingClock,
        old_key_data: pyotp.TOTP) -> None:
    new_only = sealing_box(NEW_KEY)
    with sql_world(database_url, hasher, box=new_only, clock=clock) as (_, db):
        with pytest.raises(SecretUnreadable, match="not configured"), \
                db.uow_factory(readonly=True) as uow:
            uow.accounts.get_by_login("jan")  # too early to drop the old key
        pending = sum(r["sealed_context"] is not None for r in _outbox_rows(db))
        assert pending >= 2  # at least the confirmation and the reset links

    with sql_world(database_url, hasher, box=sealing_box(NEW_KEY, OLD_KEY), clock=clock
                   ) as (world, db):
        with db.uow_factory(readonly=True) as uow:  # both keys open during the rotation
            account = uow.accounts.get_by_login("jan")
            assert account is not None and account.totp_secret == old_key_data.secret
        assert db.reseal_secrets(batch=1) == ResealReport(totp_secrets=1, mail_contexts=pending)
        assert db.reseal_secrets() == ResealReport(0, 0)
        prefix = f"v1:{new_only.key_id}:"
        assert _account_secret(db, "jan").startswith(prefix)
        assert all(r["sealed_context"].startswith(prefix) for r in _outbox_rows(db)
                   if r["sealed_context"] is not None)

    with sql_world(database_url, hasher, box=new_only, clock=clock) as (world, db):
        reset = world.last_mail(MailTemplate.PASSWORD_RESET).mail.context["link_path"]
        assert reset.startswith("/password/reset/") and len(reset) > 40  # still readable
        _sign_in_with_the_app(world, old_key_data)


def test_rotation_never_overwrites_a_secret_changed_since_it_was_read(
        database_url: str, hasher: Argon2Hasher, clock: SteppingClock,
        old_key_data: pyotp.TOTP) -> None:
    rotating = sealing_box(NEW_KEY, OLD_KEY)
    with sql_world(database_url, hasher, box=rotating, clock=clock) as (world, db):
        read_by_rotation = _account_secret(db, "jan")
        account = world.services.reset_two_factor("jan")  # meanwhile, the app is removed
        with db.engine.begin() as connection:
            assert _rewrite(connection, rotating, accounts, accounts.c.id,
                            accounts.c.totp_secret, TOTP_SECRET, account.id,
                            read_by_rotation) == 0
        with db.engine.connect() as connection:
            assert connection.execute(select(accounts.c.totp_secret).where(
                accounts.c.id == account.id)).scalar_one() is None


def test_a_database_without_a_box_stores_no_secret_rather_than_a_plain_one(
        database_url: str) -> None:
    db = SqlDatabase.from_url(database_url)
    try:
        mail = OutgoingMail(MailTemplate.SIGN_IN_CODE, "jan@example.com", Language.PL,
                            {"name": "Jan", "code": "123456", "minutes": "10"})
        with pytest.raises(RuntimeError, match="without a secret box"), db.uow_factory() as uow:
            uow.outbox.add(mail, START)
        assert _outbox_rows(db) == []
        with db.uow_factory() as uow:  # mail without a secret is queued as usual
            uow.outbox.add(OutgoingMail(MailTemplate.PASSWORD_CHANGED, "jan@example.com",
                                        Language.PL, {"name": "Jan"}), START)
            uow.commit()
        assert len(_outbox_rows(db)) == 1
    finally:
        db.dispose()
