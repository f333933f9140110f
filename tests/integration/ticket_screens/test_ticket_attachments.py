"""Files on replies: the reply form uploads them (multipart, the CSRF token first), the
thread links them, and a file is downloaded by whoever sees its article: a note's file by
staff only. Memory, SQLite and PostgreSQL (``ticket_world``)."""

from __future__ import annotations

import errno
import re

from clico_adapters.attachments import FilesystemBlobStore
from clico_adapters.attachments.memory import MemoryBlobStore
from clico_adapters.files import WriteRefused

from ..web_fixtures import BASE_URL, TestClient, sign_in_web
from .conversation_pages import reply_form

LOG = b"2026-11-25 08:00 tunnel down\n" * 40
_LINK = re.compile(r'href="(/tickets/[^/"]+/attachments/[^"]+)" download>([^<]+)</a>')


def reply_with_files(client: TestClient, number: str, body: str,
                     files: list[tuple[str, bytes]], **fields: str):  # type: ignore[no-untyped-def]
    form = reply_form(client, number, body, **fields)  # the CSRF token is its first field
    return client.post(f"/tickets/{number}/reply", data=form,
                       files=[("attachments", (name, data, "application/octet-stream"))
                              for name, data in files])


def links(client: TestClient, number: str) -> dict[str, str]:
    """File name → download path, as the ticket's page links them."""
    return {name: path for path, name in _LINK.findall(client.get(f"/tickets/{number}").text)}


def test_the_reply_form_uploads_with_its_token_first(jan, number):
    page = jan.get(f"/tickets/{number}").text
    form = page[page.index('id="reply-form"'):]
    assert 'enctype="multipart/form-data"' in page
    assert form.index('name="csrf_token"') < form.index('name="body"')
    assert '<label for="f-attachments">Załączniki</label>' in form
    assert 'type="file" id="f-attachments" name="attachments" multiple' in form


def test_a_customers_file_reaches_the_engineer(jan, number, engineer):
    sent = reply_with_files(jan, number, "The logs.", [("vpn.log", LOG), ("notes.txt", b"hi")])
    assert sent.status_code == 303, sent.text
    found = links(engineer, number)
    assert set(found) == {"vpn.log", "notes.txt"}
    download = engineer.get(found["vpn.log"])
    assert download.status_code == 200 and download.content == LOG
    assert download.headers["content-disposition"].startswith("attachment;")
    assert jan.get(found["vpn.log"]).content == LOG


def test_a_customer_cannot_download_a_notes_file(jan, number, engineer):
    sent = reply_with_files(engineer, number, "Our trace.", [("trace.txt", b"internal")],
                            internal="1")
    assert sent.status_code == 303, sent.text
    path = links(engineer, number)["trace.txt"]
    assert engineer.get(path).content == b"internal"
    assert "trace.txt" not in jan.get(f"/tickets/{number}").text
    assert jan.get(path).status_code == 404


def test_another_company_cannot_download_a_public_file(jan, number, tclient, ticket_world):
    assert reply_with_files(jan, number, "The logs.", [("vpn.log", LOG)]).status_code == 303
    path = links(jan, number)["vpn.log"]
    ticket_world.register("ola", contract=ticket_world.issue("C-9", "Beta"))
    with TestClient(tclient.app, base_url=BASE_URL, follow_redirects=False) as ola:
        sign_in_web(ola, ticket_world, "ola")
        assert ola.get(path).status_code == 404


def test_a_refused_reply_with_files_answers_with_the_form(jan, number):
    refused = reply_with_files(jan, number, "   ", [("vpn.log", LOG)])
    assert refused.status_code == 400
    assert "vpn.log" not in refused.text
    sent = reply_with_files(jan, number, "Now with text.", [("other.log", b"x")])
    assert sent.status_code == 303
    assert set(links(jan, number)) == {"other.log"}


def test_a_file_the_store_cannot_write_gets_the_503_page(jan, number, monkeypatch):
    """The blob folder read-only or full: the 503 page with ``Retry-After``, answered inside
    the app. An error left to Starlette's outermost handler is re-raised after the page is
    sent, and the server then drops the connection the client would reuse."""
    def refuse(self: object, chunks: object) -> None:
        raise WriteRefused(errno.EROFS, "Read-only file system")

    for store in (MemoryBlobStore, FilesystemBlobStore):
        monkeypatch.setattr(store, "put", refuse)
    refused = reply_with_files(jan, number, "The logs.", [("vpn.log", LOG)])
    assert refused.status_code == 503, refused.text
    assert "Portal nie może teraz zapisywać zmian" in refused.text
    assert refused.headers["Retry-After"].isdigit()
    assert "vpn.log" not in jan.get(f"/tickets/{number}").text
