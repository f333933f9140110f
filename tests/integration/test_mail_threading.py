"""A thread of 30 mails for one ticket, through the outbox and the worker to a real SMTP
server (aiosmtpd): the raw bytes it received thread under one root, on unfolded lines."""

from __future__ import annotations

import re
from datetime import timedelta

from clico_adapters.mail import MailWorker, transport_from_url
from clico_core.services import OpenTicket, PostReply, SignIn, Viewer

from ..support import PASSWORD
from .mail_support import EMAIL, MailRig, link_in, register, text_of
from .smtp import Received, SmtpServer

THREAD_LENGTH = 30
ID = rb"<[A-Za-z0-9._-]+@[A-Za-z0-9._-]+>"


def signed_in_reporter(rig: MailRig, smtp: SmtpServer, worker: MailWorker) -> Viewer:
    """Register, confirm from the mail and sign in with the mailed code, as a person would."""
    register(rig)
    worker.run_once()
    services = rig.world.services
    services.confirm_email(link_in(smtp.wait_for(EMAIL), "/confirm/").rsplit("/", 1)[-1])
    step = services.sign_in(SignIn("jan", PASSWORD))
    worker.run_once()
    code = re.findall(r"\b\d{6}\b", text_of(smtp.wait_for(EMAIL)))[0]
    viewer = services.authenticate(services.verify_code(step.session_token, code).session_token)
    assert viewer is not None
    return viewer


def deliver_all(rig: MailRig, worker: MailWorker) -> None:
    for _ in range(20):
        if rig.queue.stats().pending == 0:
            return
        worker.run_once()
        rig.advance(timedelta(hours=1))  # past any retry delay
    raise AssertionError("the outbox did not empty")


def header_lines(received: Received) -> dict[bytes, list[bytes]]:
    """Every header of the raw DATA: its name, lowercased, to its lines (folded ones too)."""
    found: dict[bytes, list[bytes]] = {}
    current: list[bytes] = []
    for line in received.raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            current.append(line)
        else:
            current = found.setdefault(line.split(b":", 1)[0].lower(), [])
            assert not current, f"header {line!r} twice"
            current.append(line)
    return found


def value(lines: list[bytes]) -> bytes:
    assert len(lines) == 1, lines  # never folded
    return lines[0].split(b": ", 1)[1]


def test_a_thread_of_thirty_mails_arrives_threaded(mail_rig: MailRig,
                                                   smtp_server: SmtpServer) -> None:
    worker = mail_rig.worker(transport_from_url(smtp_server.url))
    services = mail_rig.world.services
    reporter = signed_in_reporter(mail_rig, smtp_server, worker)
    engineer = mail_rig.world.engineer()
    ticket = services.open_ticket(reporter, OpenTicket("Tunel IPsec zrywa się co godzinę",
                                                       "<p>Od rana.</p>"))
    # an outage while the ticket-created mail goes out: it is retried, and sent once
    smtp_server.fail("451 4.3.0 Try again later", times=1)
    deliver_all(mail_rig, worker)
    assert smtp_server.refused == 1
    for n in range(THREAD_LENGTH - 3):
        services.post_reply(engineer, PostReply(ticket.number, f"<p>Odpowiedź {n}</p>"))
    services.change_status(engineer, ticket.number, "resolved")  # ticket-changed
    mail_rig.advance(timedelta(days=5, minutes=1))
    services.auto_close_resolved()  # ticket-closing-soon
    deliver_all(mail_rig, worker)

    received = [r for r in smtp_server.received
                if r.rcpt_tos == (EMAIL,) and b"\r\nSubject: [" in r.raw]
    assert len(received) == THREAD_LENGTH
    root = f"<ticket-{ticket.id}@clico-support>".encode()
    headers = [header_lines(r) for r in received]

    first = headers[0]
    assert value(first[b"message-id"]) == root  # the created mail is the root
    assert b"in-reply-to" not in first and b"references" not in first
    message_ids = [value(h[b"message-id"]) for h in headers]
    assert len(set(message_ids)) == THREAD_LENGTH  # each sent once, each its own id
    for later in headers[1:]:
        assert value(later[b"in-reply-to"]) == root
        assert value(later[b"references"]) == root
    for h in headers:
        for name in (b"message-id", b"in-reply-to", b"references"):
            for line in h.get(name, []):
                assert b"=?" not in line and re.fullmatch(rb"[A-Za-z-]+: " + ID, line)
        # the subject may hold encoded words (Polish letters), but starts with the number
        assert h[b"subject"][0].startswith(f"Subject: [{ticket.number}] ".encode())
    assert ticket.number.startswith("CSS-")
