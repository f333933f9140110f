"""The account page's ``Powiadamiaj mnie o zgłoszeniach mojej firmy``: a customer ticks it,
it stays ticked (stored: memory, SQLite, PostgreSQL) and the next engineer reply on a
colleague's ticket is mailed to them; staff have no such setting."""

from __future__ import annotations

import re

from clico_core.mail import MailTemplate
from clico_core.services import OpenTicket

from ..web_fixtures import csrf_of
from .conversation_pages import reply

BOX = re.compile(r'<input type="checkbox" name="notify_company_tickets" value="1" '
                 r'id="f-notify_company_tickets"( checked)?>')


def ticked(page: str) -> bool:
    match = BOX.search(page)
    assert match, "no notification checkbox"
    return match.group(1) is not None


def save(client, ticked: bool):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_of(client, "/account/password")}
    if ticked:
        data["notify_company_tickets"] = "1"
    return client.post("/account/notifications", data=data)


def test_a_customer_ticks_the_setting_and_hears_about_colleagues_tickets(
        jan, number, engineer, ticket_world, acme):
    ticket_world.register("ola", contract=acme)
    page = jan.get("/account/password").text
    assert "Powiadamiaj mnie o zgłoszeniach mojej firmy" in page and not ticked(page)
    jan.cookies.set("clico_lang", "en")
    assert "Notify me about my company's tickets" in jan.get("/account/password").text
    jan.cookies.set("clico_lang", "pl")
    answer = save(jan, True)
    assert (answer.status_code, answer.headers["location"]) == (
        303, "/account/password?notifications=1")
    page = jan.get("/account/password?notifications=1").text
    assert ticked(page) and "Ustawienie powiadomień zostało zapisane." in page
    assert ticket_world.viewer("jan").account.notify_company_tickets

    ola = ticket_world.viewer("ola")
    own = ticket_world.services.open_ticket(ola, OpenTicket("Printer", "<p>jammed</p>")).number
    assert reply(engineer, own, "On it.").status_code == 303
    mailed = [m.mail.to for m in ticket_world.mails.all()
              if m.mail.template is MailTemplate.TICKET_REPLY]
    assert sorted(mailed) == ["jan@example.com", "ola@example.com"]

    assert save(jan, False).status_code == 303
    assert not ticked(jan.get("/account/password").text)
    assert not ticket_world.viewer("jan").account.notify_company_tickets


def test_staff_have_no_company_setting(jan, engineer):
    assert not ticked(jan.get("/account/password").text)  # a customer's page has it
    page = engineer.get("/account/password").text
    assert BOX.search(page) is None and "Powiadamiaj mnie" not in page
    assert save(engineer, True).status_code == 404
