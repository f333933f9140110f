"""The ``clico worker`` process killed (SIGKILL) or stopped (SIGTERM) in the middle of a
batch, on SQLite and PostgreSQL, mail over SMTP to aiosmtpd made slow: every mail arrives;
after SIGKILL at most the one in flight arrives twice (same Message-ID: docs/mail.md);
after SIGTERM the worker finishes its mail, hands the rest back and none arrives twice."""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from clico_adapters.compose import build
from clico_adapters.config import Settings
from clico_core.mail import MailTemplate, OutgoingMail
from clico_core.values import Language

from .process_support import portal_env, running_worker, wait_for
from .smtp import SmtpServer

MESSAGES = 30


def queue_mails(env: dict[str, str]) -> None:
    with build(Settings.from_env(env)) as backend, backend.services.ports.uow() as uow:
        for i in range(MESSAGES):
            uow.outbox.add(OutgoingMail(MailTemplate.PASSWORD_CHANGED, f"user{i}@example.com",
                                        Language.PL, {"name": f"User {i}", "login": f"u{i}"}),
                           datetime.now(UTC))
        uow.commit()


def delivered(smtp: SmtpServer) -> Counter[str]:
    return Counter(str(m["Message-ID"]) for m in smtp.messages)


def test_a_killed_worker_loses_no_mail(database_url: str, smtp_server: SmtpServer,
                                       tmp_path: Path) -> None:
    env = portal_env(tmp_path, database_url, smtp_server, CLICO_MAIL_LEASE_SECONDS="5")
    queue_mails(env)
    smtp_server.data_delay = 0.2
    with running_worker(env, tmp_path / "first.log") as first:
        wait_for(lambda: len(smtp_server.messages) >= 5, "the first mails")
        first.send_signal(signal.SIGKILL)  # mid-batch: 20 claimed, a few sent
        first.wait(10)
    killed_at = len(smtp_server.messages)
    assert killed_at < MESSAGES
    smtp_server.data_delay = 0.0
    with running_worker(env, tmp_path / "second.log"):  # takes over once the leases end
        wait_for(lambda: len(delivered(smtp_server)) == MESSAGES, "every mail", timeout=60)
        time.sleep(1)
    twice = sum(count - 1 for count in delivered(smtp_server).values())
    assert twice <= 1, delivered(smtp_server)


def test_a_stopped_worker_hands_its_claims_back(database_url: str, smtp_server: SmtpServer,
                                                tmp_path: Path) -> None:
    env = portal_env(tmp_path, database_url, smtp_server)  # the default ten-minute lease
    queue_mails(env)
    smtp_server.data_delay = 0.5  # a batch of 20 would take 10 s
    with running_worker(env, tmp_path / "first.log") as first:
        wait_for(lambda: len(smtp_server.messages) >= 3, "the first mails")
        first.send_signal(signal.SIGTERM)
        assert first.wait(4) == 0  # finished the mail in flight, then stopped
    assert len(smtp_server.messages) < MESSAGES
    smtp_server.data_delay = 0.0
    with running_worker(env, tmp_path / "second.log"):  # no lease to wait for
        wait_for(lambda: len(delivered(smtp_server)) == MESSAGES, "every mail", timeout=30)
        time.sleep(1)
    assert set(delivered(smtp_server).values()) == {1}
