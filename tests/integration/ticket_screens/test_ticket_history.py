"""``Historia`` on a ticket's page: staff read every change (when, who, what, before and
after), a customer's page has no trace of it; the history is read in a bounded number of
statements however long it is. The ticket page's latest changes and the full history's
pages: ``test_ticket_history_pages.py``. Memory, SQLite and PostgreSQL (``ticket_world``)."""

from __future__ import annotations

import pytest

from clico_core.services import PostReply

from ..sql_support import recorded
from .conversation_pages import history, reply


def test_staff_read_the_history_and_customers_never_see_it(jan, number, engineer,
                                                           ticket_world):
    assert reply(engineer, number, "Please send the logs.").status_code == 303
    assert reply(engineer, number, "ISP issue", internal="1",
                 new_status="waiting_for_customer").status_code == 303
    ewa = ticket_world.viewer("eng@clico.pl")
    ticket_world.services.change_priority(ewa, number, "critical")
    ticket_world.services.assign_ticket(ewa, number, ewa.account.id)
    every = history(engineer.get(f"/tickets/{number}/history").text)  # eleven changes
    assert history(engineer.get(f"/tickets/{number}").text) == every[-10:]
    rows = [row for row in every if row[2] != "SLA"]
    assert [row[4] for row in every if row[2] == "SLA"] == [
        "Naliczanie terminów rozpoczęte", "Termin reakcji: Dotrzymany",
        "Termin rozwiązania: Wstrzymany", "Terminy przeliczone"]
    assert [row[1:] for row in rows] == [
        ["Jan Kowalski", "Utworzenie zgłoszenia", "—", "—"],
        ["Ewa Inżynier", "Dodano odpowiedź publiczną", "—", "—"],
        ["Ewa Inżynier", "Status", "Nowe", "W realizacji"],
        ["Ewa Inżynier", "Dodano notatkę wewnętrzną", "—", "—"],
        ["Ewa Inżynier", "Status", "W realizacji", "Oczekuje na klienta"],
        ["Ewa Inżynier", "Priorytet", "Wysoki", "Krytyczny"],
        ["Ewa Inżynier", "Przypisany inżynier", "Nikt", "Ewa Inżynier"],
    ]
    assert all(row[0] for row in rows)  # when
    engineer.cookies.set("clico_lang", "en")
    english = engineer.get(f"/tickets/{number}").text
    assert '<h2 id="history-heading">History</h2>' in english
    assert ["Ewa Inżynier", "Priority", "High", "Critical"] in [
        row[1:] for row in history(english)]
    for language in ("pl", "en"):
        jan.cookies.set("clico_lang", language)
        customer = jan.get(f"/tickets/{number}").text
        assert 'id="history"' not in customer
        for hidden in ("Historia", "History", "Dodano notatkę", "Internal note added",
                       "Przypisany inżynier", "Assigned engineer"):
            assert hidden not in customer, (language, hidden)


@pytest.mark.parametrize("ticket_world", ["sqlite", "postgres"], indirect=True)
def test_the_history_takes_the_same_statements_however_long(jan, number, engineer,
                                                           ticket_world):
    ewa = ticket_world.viewer("eng@clico.pl")
    services = ticket_world.services
    engine = services.ports.uow.engine

    def statements() -> int:
        with recorded(engine) as seen:
            services.ticket_history(ewa, number)
        return len(seen)

    short = statements()
    assert 0 < short <= 6  # BEGIN, the ticket, its events, the accounts they name, the end
    for index in range(30):
        services.post_reply(ewa, PostReply(number, f"<p>note {index}</p>", internal=True))
        services.assign_ticket(ewa, number, ewa.account.id if index % 2 == 0 else "")
    entries = services.ticket_history(ewa, number)
    assert len(entries) > 60
    assert {e.actor_name for e in entries} == {"Jan Kowalski", "Ewa Inżynier"}  # one read
    assert statements() == short
