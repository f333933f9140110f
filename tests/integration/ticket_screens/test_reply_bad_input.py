"""Bad input on the reply form: a reply that is only blank or invisible characters, and a
file refused part-way (too large, a program). Each is a clear message with what was typed
kept in the form, and nothing half-written: no article without its files, no file without
its article, the refused files' bytes gone at the next sweep. Memory, SQLite, PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from clico_core.attachments import MB

from ..web_fixtures import csrf_of, sign_in_web
from .conversation_pages import reply_form

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
NOTES = b"first, a file that is fine\n"
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("body", "format_"), [
    ("\u200b\u200d\ufeff", "text"),  # zero-width characters
    ("<p>&nbsp;</p><p> &nbsp;<br></p>", "html"),  # what the editor makes of spaces
    ("<p>&#8203;&ensp;</p>", "html"),
])
def test_a_reply_of_blank_or_invisible_characters_is_refused(jan, number, ticket_world,
                                                              body, format_):
    form = {**reply_form(jan, number, body), "format": format_}
    refused = jan.post(f"/tickets/{number}/reply", data=form)
    assert refused.status_code == 400
    assert 'id="e-body"' in refused.text and "To pole jest wymagane." in refused.text
    assert ticket_world.services.conversation(ticket_world.viewer("jan"), number).total == 1
    jan.cookies.set("clico_lang", "en")
    english = jan.post(f"/tickets/{number}/reply", data={**reply_form(jan, number, body),
                                                          "format": format_})
    assert english.status_code == 400 and "This field is required." in english.text


def _nothing_written(world, number: str, key: str, digests: list[str]) -> None:  # type: ignore[no-untyped-def]
    viewer = world.viewer("jan")
    assert world.services.conversation(viewer, number).total == 1  # the description only
    ports = world.services.ports
    with ports.uow(readonly=True) as uow:
        assert uow.articles.get_by_idempotency_key(viewer.account.id, key) is None
        assert uow.attachments.unlinked_before(FAR_FUTURE, 100) == []  # no row left over
        assert uow.attachments.referenced(digests) == set()
    world.clock.advance(timedelta(hours=25))  # the sweep takes bytes a day old
    world.services.sweep_orphan_blobs()
    assert [d for d in digests if ports.blobs.exists(d)] == []


@pytest.mark.parametrize(("name", "content", "status", "message"), [
    ("router.log", b"x" * (20 * MB + 1), 413, "Plik router.log ma więcej niż 20 MB."),
    ("invoice.pdf", ELF, 415, "Nie można załączyć pliku invoice.pdf: programy i skrypty "
                              "nie są przyjmowane."),
])
def test_a_refused_file_keeps_the_typed_text_and_writes_nothing(
        jan, number, ticket_world, name, content, status, message):
    form = reply_form(jan, number, "The logs are attached.\nSee the second file.")
    sent = jan.post(f"/tickets/{number}/reply", data=form, files=[
        ("attachments", ("notes.txt", NOTES, "text/plain")),
        ("attachments", (name, content, "application/octet-stream"))])
    assert sent.status_code == status, sent.text[:500]
    assert message in sent.text
    kept = sent.text[sent.text.index('id="reply-form"'):]
    assert "The logs are attached.\nSee the second file." in kept
    assert f'name="idempotency_key" value="{form["idempotency_key"]}"' in kept
    _nothing_written(ticket_world, number, form["idempotency_key"],
                     [hashlib.sha256(NOTES).hexdigest(), hashlib.sha256(content).hexdigest()])


def test_a_stale_form_with_files_keeps_the_text_discards_the_files_and_offers_a_follow_up(
        jan, number, ticket_world):
    form = reply_form(jan, number, "Weeks later, with logs.")  # the page left open...
    jan.post(f"/tickets/{number}/close", data={"csrf_token": form["csrf_token"]})
    ticket_world.clock.advance(timedelta(days=15))  # ...past the 14 days a reply reopens
    sign_in_web(jan, ticket_world, "jan")
    form["csrf_token"] = csrf_of(jan, f"/tickets/{number}")
    refused = jan.post(f"/tickets/{number}/reply", data=form,
                       files=[("attachments", ("notes.txt", NOTES, "text/plain"))])
    assert refused.status_code == 409
    assert "Weeks later, with logs." in refused.text[refused.text.index('id="reply-form"'):]
    assert f'name="follows" value="{number}"' in refused.text  # the way on
    _nothing_written(ticket_world, number, form["idempotency_key"],
                     [hashlib.sha256(NOTES).hexdigest()])
