"""Several workers on one outbox (memory, SQLite, PostgreSQL) deliver every message once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from email.message import EmailMessage

from clico_adapters.mail import Transport, transport_from_url
from clico_core.mail import MailTemplate, OutboxMessage, OutgoingMail
from clico_core.values import Language

from .mail_support import START, MailRig
from .smtp import SmtpServer

MESSAGES = 40


class CountingTransport:
    """Sends through ``inner`` a little slowly, so the workers' claims overlap."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.sent = 0

    def send(self, message: EmailMessage, source: OutboxMessage | None = None) -> None:
        time.sleep(0.005)
        self.inner.send(message, source)
        self.sent += 1


def test_two_workers_deliver_each_message_exactly_once(mail_rig: MailRig,
                                                       smtp_server: SmtpServer) -> None:
    with mail_rig.backend.uow() as uow:
        ids = [uow.outbox.add(OutgoingMail(MailTemplate.PASSWORD_CHANGED,
                                           f"user{i}@example.com", Language.PL,
                                           {"name": f"User {i}", "login": f"user{i}"}), START)
               for i in range(MESSAGES)]
        uow.commit()
    transports = [CountingTransport(transport_from_url(smtp_server.url)) for _ in range(2)]
    workers = [mail_rig.worker(t, batch=3) for t in transports]
    stop = threading.Event()
    threads = [threading.Thread(target=w.run_forever, args=(stop,)) for w in workers]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 60
        while mail_rig.queue.stats().sent < MESSAGES and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for worker in workers:
            worker.wake()
        for thread in threads:
            thread.join(30)

    delivered = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert delivered == Counter(mail_rig.renderer.message_id(i) for i in ids)
    assert all(t.sent > 0 for t in transports), [t.sent for t in transports]
    stats = mail_rig.queue.stats()
    assert (stats.pending, stats.sent, stats.failed) == (0, MESSAGES, 0)
