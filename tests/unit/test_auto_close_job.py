"""The mail worker closes quiet resolved tickets hourly, as it prunes: the same job as
``clico tickets auto-close``, on the schedule of ``compose.AUTO_CLOSE_EVERY``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from clico_adapters import compose
from clico_adapters.compose import AUTO_CLOSE_EVERY
from clico_adapters.config import Settings
from clico_adapters.mail import MemoryTransport
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SteppingClock,
)
from clico_core.mail import MailTemplate
from clico_core.testing import builders as b
from clico_core.tickets import TicketStatus

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)


def test_the_worker_closes_quiet_resolved_tickets_hourly(tmp_path: Path) -> None:
    store = MemoryStore()
    factory, queue = MemoryUnitOfWorkFactory(store), MemoryMailQueue(store)
    settings = Settings(data_dir=tmp_path, auto_close_days=7)
    company = b.company()
    reporter = b.account(company.id, "jan")
    quiet = NOW - timedelta(days=7, minutes=1)
    soon = NOW - timedelta(days=7) + timedelta(minutes=30)  # quiet in half an hour
    with factory() as uow:
        uow.companies.add(company)
        uow.accounts.add(reporter)
        uow.tickets.add(b.ticket(company.id, reporter.id, "CSS-000001", at=quiet,
                                 status=TicketStatus.RESOLVED))
        uow.tickets.add(b.ticket(company.id, reporter.id, "CSS-000002", at=soon,
                                 status=TicketStatus.RESOLVED))
        uow.commit()
    clock = SteppingClock(NOW)
    with compose.build(settings, uow=factory, mail_queue=queue, clock=clock) as backend:
        worker = backend.mail_worker()
        worker.transport = MemoryTransport()
        assert "auto-close" in [job.name for job in worker.jobs]

        worker.run_due_jobs()  # every job is due at once
        assert _status(factory, "CSS-000001") is TicketStatus.CLOSED
        assert _status(factory, "CSS-000002") is TicketStatus.RESOLVED
        assert sorted(m.mail.template for m in queue.all()) == [
            MailTemplate.TICKET_CHANGED, MailTemplate.TICKET_CLOSING_SOON]  # closed; reminded

        # the second ticket falls quiet, but the job waits for its hour
        clock.advance(timedelta(minutes=31))
        worker.run_due_jobs()
        assert _status(factory, "CSS-000002") is TicketStatus.RESOLVED
        clock.advance(AUTO_CLOSE_EVERY - timedelta(minutes=31))
        worker.run_due_jobs()
        assert _status(factory, "CSS-000002") is TicketStatus.CLOSED


def _status(factory: MemoryUnitOfWorkFactory, number: str) -> TicketStatus:
    with factory(readonly=True) as uow:
        ticket = uow.tickets.get_by_number(number)
    assert ticket is not None
    return ticket.status
