"""The conversation on a ticket's page: a customer and an engineer reply, notes stay with
staff, statuses move, a double click posts once, closed tickets keep the typed text, and
another company's ticket is not there. Memory, SQLite and PostgreSQL (``ticket_world``)."""

from __future__ import annotations

import re
from datetime import timedelta

from clico_core.services import PostReply

from ..web_fixtures import BASE_URL, TestClient, csrf_of, sign_in_web
from .conversation_pages import reply, reply_form


def thread(page: str) -> str:
    return page[page.index('id="conversation"'):page.index('id="reply-heading"')]


def status_label(page: str) -> str:
    match = re.search(r'<span class="status status-(\w+)">', page)
    assert match
    return match.group(1)


def test_the_reply_form_speaks_the_products_words(jan, number, engineer):
    customer = jan.get(f"/tickets/{number}").text
    for text in ("Odpowiedź", "Wyślij odpowiedź", "Zamknij zgłoszenie", 'data-editor'):
        assert text in customer, text
    assert "Notatka wewnętrzna" not in customer and 'name="new_status"' not in customer
    staff = engineer.get(f"/tickets/{number}").text
    for text in ("Odpowiedź", "Wyślij odpowiedź", "Notatka wewnętrzna",
                 '<label for="f-new_status">Status</label>'):
        assert text in staff, text
    assert "Zamknij zgłoszenie" not in staff
    jan.cookies.set("clico_lang", "en")
    english = jan.get(f"/tickets/{number}").text
    for text in ("Reply", "Send reply", "Close ticket"):
        assert text in english, text


def test_a_customer_and_an_engineer_converse_and_notes_stay_with_staff(jan, number, engineer):
    assert reply(jan, number, "Still dropping.\nSince Monday.").status_code == 303
    assert reply(engineer, number, "Please send the logs.").status_code == 303
    assert reply(engineer, number, "Looks like the ISP.", internal="1").status_code == 303
    whole = jan.get(f"/tickets/{number}").text
    assert whole.count("The tunnel drops") == 1  # the description, above the thread only
    customer = thread(whole)
    assert "<p>Still dropping.<br>Since Monday.</p>" in customer
    assert "Please send the logs." in customer and "Ewa Inżynier" in customer
    assert "Inżynier CLICO" in customer and "Klient" in customer
    assert "Looks like the ISP." not in customer and "internal-note" not in customer
    assert customer.index("Still dropping.") < customer.index("Please send the logs.")
    staff = thread(engineer.get(f"/tickets/{number}").text)
    note = staff[staff.index("internal-note"):]
    assert "Looks like the ISP." in note and "Notatka wewnętrzna" in note


def test_an_engineer_sets_only_the_statuses_offered(jan, number, engineer, ticket_world):
    page = engineer.get(f"/tickets/{number}").text
    offered = re.findall(r'<option value="(\w+)"', page[page.index('name="new_status"'):])
    assert offered and "new" not in offered
    done = reply(engineer, number, "Fixed on our side.", new_status="resolved")
    assert done.status_code == 303
    assert status_label(jan.get(f"/tickets/{number}").text) == "resolved"
    refused = reply(engineer, number, "Back to new?", new_status="new")
    assert refused.status_code == 409
    assert "Back to new?" in refused.text  # the typed text stays in the form


def test_a_double_click_posts_one_reply(jan, number):
    form = reply_form(jan, number, "Only once, please.")
    first = jan.post(f"/tickets/{number}/reply", data=form)
    second = jan.post(f"/tickets/{number}/reply", data=form)
    assert first.status_code == second.status_code == 303
    assert jan.get(f"/tickets/{number}").text.count("Only once, please.") == 1


def test_an_empty_reply_is_refused_beside_the_field_and_keeps_the_text(jan, number):
    form = {**reply_form(jan, number, "<p><b> </b></p>"), "format": "html"}
    refused = jan.post(f"/tickets/{number}/reply", data=form)
    assert refused.status_code == 400
    assert 'id="e-body"' in refused.text and "To pole jest wymagane." in refused.text
    assert "&lt;p&gt;&lt;b&gt; &lt;/b&gt;&lt;/p&gt;" in refused.text


def test_a_customer_closes_and_a_reply_asks_to_reopen_keeping_the_text(jan, number):
    closed = jan.post(f"/tickets/{number}/close", data={"csrf_token": csrf_of(
        jan, f"/tickets/{number}")})
    assert closed.status_code == 303
    page = jan.get(f"/tickets/{number}").text
    assert status_label(page) == "closed" and "Zamknij zgłoszenie" not in page
    refused = reply(jan, number, "It broke again.")
    assert refused.status_code == 409
    assert 'id="closed-notice"' in refused.text and 'name="reopen"' in refused.text
    assert "It broke again." in refused.text
    confirmed = reply(jan, number, "It broke again.", reopen="1")
    assert confirmed.status_code == 303
    page = jan.get(f"/tickets/{number}").text
    assert status_label(page) == "open" and "It broke again." in thread(page)


def test_a_reply_weeks_after_closing_points_to_a_new_ticket(jan, number, ticket_world):
    jan.post(f"/tickets/{number}/close", data={"csrf_token": csrf_of(jan, f"/tickets/{number}")})
    form = reply_form(jan, number, "Weeks later.", reopen="1")
    ticket_world.clock.advance(timedelta(days=15))  # past the 14 days a reply may reopen it
    sign_in_web(jan, ticket_world, "jan")  # the session has long expired too
    refused = jan.post(f"/tickets/{number}/reply", data={**form, "csrf_token": csrf_of(
        jan, f"/tickets/{number}")})
    assert refused.status_code == 409
    notice = refused.text[refused.text.index('id="closed-notice"'):]
    assert ("To zgłoszenie zamknięto zbyt dawno, by odpowiedź mogła je otworzyć ponownie. "
            "Twój tekst pozostał poniżej") in notice[:notice.index("</div>")]
    follow_up = notice[notice.index('id="follow-up-form"'):]
    assert f'name="follows" value="{number}"' in follow_up[:follow_up.index("</form>")]
    kept = refused.text[refused.text.index('id="reply-form"'):]
    assert "Weeks later." in kept and 'name="reopen"' not in refused.text
    jan.cookies.set("clico_lang", "en")
    english = jan.post(f"/tickets/{number}/reply", data={**form, "csrf_token": csrf_of(
        jan, f"/tickets/{number}")})
    assert "This ticket was closed too long ago for a reply to reopen it." in english.text


def test_another_companys_ticket_is_not_found(jan, number, tclient, ticket_world):
    beta = ticket_world.issue("C-9", "Beta")
    ticket_world.register("ola", contract=beta)
    with TestClient(tclient.app, base_url=BASE_URL, follow_redirects=False) as ola:
        sign_in_web(ola, ticket_world, "ola")
        assert ola.get(f"/tickets/{number}").status_code == 404
        token = csrf_of(ola, "/tickets")
        posted = ola.post(f"/tickets/{number}/reply", data={
            "csrf_token": token, "body": "Mine now", "format": "text"})
        assert posted.status_code == 404
        closing = ola.post(f"/tickets/{number}/close", data={"csrf_token": token})
        assert closing.status_code == 404
    page = jan.get(f"/tickets/{number}").text
    assert "Mine now" not in page and status_label(page) != "closed"


def test_a_long_thread_pages_by_its_cursor(jan, number, ticket_world):
    viewer = ticket_world.viewer("jan")
    for i in range(52):
        ticket_world.clock.advance(timedelta(seconds=1))  # oldest first needs distinct times
        ticket_world.services.post_reply(viewer, PostReply(number, f"<p>Message {i:02d}.</p>"))
    first = jan.get(f"/tickets/{number}").text
    # the description is the thread's first article (shown once, above the thread)
    assert "Message 00." in first and "Message 48." in first and "Message 49." not in first
    newer = re.search(r'href="(/tickets/[^"]+\?after=[^"#]+)#conversation" rel="next"', first)
    assert newer, "no link to the newer messages"
    second = jan.get(newer.group(1).replace("&amp;", "&")).text
    assert "Message 49." in second and "Message 51." in second and "Message 48." not in second
    assert f'href="/tickets/{number}#conversation" rel="first"' in second
    assert jan.get(f"/tickets/{number}?after=not-a-cursor").status_code == 400
