"""SLA in a real browser (Playwright + Debian's Chromium), on SQLite and PostgreSQL: a
critical ticket on a premium contract shows its due times to the customer and the engineer;
when the (injected) clock passes the first-response target, one breach mail reaches a real
SMTP server, however often the job runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from attrs import frozen

from clico_adapters.bootstrap import bootstrap
from clico_adapters.mail import MailRenderer, MailWorker, transport_from_url
from clico_adapters.memory import SeededSecrets, SteppingClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.services import CreateStaff, OpenTicket
from clico_web import Settings, create_app

from ..support import PALO_ALTO_ANSWERS, PASSWORD, World, sealing_box
from .browser import LiveServer, screenshot, sign_in_through_pages
from .smtp import SmtpServer

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

WARSAW = ZoneInfo("Europe/Warsaw")
OPENED = datetime(2026, 12, 2, 10, 0, tzinfo=WARSAW).astimezone(UTC)  # a Wednesday


@frozen
class Portal:
    url: str
    world: World
    clock: SteppingClock
    database: SqlDatabase
    number: str


@pytest.fixture
def portal(database_url: str, live_server: LiveServer, web_hasher: Argon2Hasher
           ) -> Iterator[Portal]:
    clock = SteppingClock(OPENED)
    database = SqlDatabase.from_url(database_url, box=sealing_box())
    services = bootstrap(uow=database.uow_factory, clock=clock, secrets=SeededSecrets(5),
                         hasher=web_hasher)
    world = World(services, clock, database.mail_queue, today=OPENED.date())
    premium = world.services.issue_contract(_premium())
    world.register("jan", contract=premium, email="jan@example.com")
    _, path = services.create_staff_account(CreateStaff("ewa@clico.pl", "Ewa", "Inżynier"))
    services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    jan = world.viewer("jan")
    asset_id = services.list_covered_assets(jan).rows[0].id
    ticket = services.open_ticket(jan, OpenTicket(
        "Klaster HA nie przełącza się", "<p>Failover nie działa</p>", priority="critical",
        asset_id=asset_id, answers=PALO_ALTO_ANSWERS))
    engineer = world.viewer("ewa@clico.pl")
    services.assign_ticket(engineer, ticket.number, engineer.account.id)
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-sla-secret-0123456789abcdefgh",
                 start_mail_worker=False), services=services))
    yield Portal(url, world, clock, database, ticket.number)
    live_server.stop()
    database.dispose()


def _premium():  # type: ignore[no-untyped-def]
    from clico_core.services import IssueContract
    from clico_core.services.contracts import AssetSpec

    return IssueContract("CLICO-2026-PREM", "Acme Networks", OPENED.date() + timedelta(days=365),
                         support_level="premium",
                         assets=(AssetSpec("PAN-PA-5220", "PALO_ALTO", "013201001111"),))


def _sign_in(page, portal: Portal, login: str, email: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_through_pages(page, portal.world, login, email, password=PASSWORD)


def test_due_times_on_the_page_and_one_breach_mail(portal: Portal, browser_page) -> None:
    customer = browser_page.open(portal.url)
    _sign_in(customer, portal, "jan", "jan@example.com")
    customer.goto(f"/tickets/{portal.number}")
    response = customer.locator('dd[data-sla="first_response"]')  # the app's codes cost seconds
    expect(response).to_have_text(re.compile(
        r"2\.12\.2026, 11:00 · pozostało (1 h 00|59) min czasu roboczego"))
    expect(customer.locator('dd[data-sla="resolution"]')).to_have_text(re.compile(
        r"2\.12\.2026, 14:00 · pozostało (4 h 00|3 h 59) min czasu roboczego"))
    expect(customer.locator("dt", has_text="Termin reakcji")).to_be_visible()
    screenshot(customer, "ticket-sla")

    engineer = browser_page.open(portal.url)
    _sign_in(engineer, portal, "ewa@clico.pl", "ewa@clico.pl")
    engineer.goto(f"/tickets/{portal.number}")  # the same dates as the customer's
    expect(engineer.locator('dd[data-sla="first_response"]')).to_contain_text(
        "2.12.2026, 11:00 · pozostało")

    with SmtpServer() as smtp:
        worker = MailWorker(portal.database.mail_queue, transport_from_url(smtp.url),
                            MailRenderer(portal.url), portal.clock)
        for minutes in (20, 20, 21):  # past the one-hour target; the customer stays active
            portal.clock.advance(timedelta(minutes=minutes))
            customer.reload()
        for _ in range(3):  # the job runs every minute; a restart or a second worker alike
            portal.world.services.send_sla_alerts()
            worker.run_once()
        mails = [m for m in smtp.to("ewa@clico.pl")
                 if "Czas reakcji na zgłoszenie" in _text(m)]
        assert len(mails) == 1, [m["Subject"] for m in smtp.to("ewa@clico.pl")]
        assert mails[0]["Subject"].startswith(f"[{portal.number}]")
        assert "minął o 2026-12-02 11:00" in _text(mails[0])

    customer.reload()
    expect(customer.locator('dd[data-sla="first_response"]')).to_contain_text("Przekroczony")


def _text(message) -> str:  # type: ignore[no-untyped-def]
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
