"""A scheduled job with claims: it runs only when its claim wins, waits for another
process's hold to end, and hands its claim back when it stopped with more to do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clico_adapters.scheduled import ScheduledJob

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


class SharedClaims:
    """One ``job_claims`` table in memory, shared by the jobs of several "processes"."""

    def __init__(self) -> None:
        self.until: dict[str, datetime] = {}

    def claim(self, name: str, now: datetime, until: datetime) -> bool:
        if name in self.until and self.until[name] > now:
            return False
        self.until[name] = until
        return True

    def held_until(self, name: str) -> datetime | None:
        return self.until.get(name)

    def release(self, name: str, now: datetime) -> None:
        self.until[name] = now


def test_two_processes_run_a_job_once_per_interval() -> None:
    claims, runs = SharedClaims(), []
    jobs = [ScheduledJob("prune", HOUR, lambda i=i: runs.append(i) is None, claims)
            for i in range(2)]
    for minute in range(0, 125, 5):
        for job in jobs:
            job.run_if_due(NOW + timedelta(minutes=minute))
    assert len(runs) == 3  # at 0, 60 and 120 minutes, whichever process claimed first
    assert jobs[1].next_at is not None and jobs[1].next_at > NOW + timedelta(minutes=120)


def test_a_job_with_more_to_do_hands_its_claim_back() -> None:
    claims, runs = SharedClaims(), []
    first = ScheduledJob("prune", HOUR, lambda: runs.append("first") is not None, claims)
    second = ScheduledJob("prune", HOUR, lambda: runs.append("second") is None, claims)
    assert first.run_if_due(NOW)  # stopped early: more to do
    assert second.run_if_due(NOW + timedelta(seconds=1))  # so another process goes on at once
    assert runs == ["first", "second"]


def test_a_claim_the_database_refuses_is_asked_again_later() -> None:
    class Away(SharedClaims):
        def claim(self, name: str, now: datetime, until: datetime) -> bool:
            raise ConnectionError("database away")

    runs: list[int] = []
    job = ScheduledJob("prune", HOUR, lambda: runs.append(1) is None, Away())
    assert not job.run_if_due(NOW)
    assert runs == [] and job.next_at == NOW + timedelta(minutes=1)
