"""Webhooks delivered to a real HTTP receiver on loopback, over SQLite and PostgreSQL: after
an outage every event arrives exactly once and in order per ticket, signed; a note never
leaves; two workers never deliver one delivery twice; a failed one can be sent again."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from clico_adapters.compose import WebhookWorker
from clico_adapters.memory import SteppingClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.webhook_tables import webhook_endpoints
from clico_adapters.webhooks import HttpxSender
from clico_core.services import PostReply, RegisterWebhook, Viewer
from clico_core.webhooks import DeliveryState, WebhookEvent

from ..support import TEST_SECRET_KEY, World, sealing_box
from .webhook_support import admin, customer_ticket, receiving, verify, webhook_world

ALL = tuple(e.value for e in WebhookEvent)
Hooked = tuple[World, SqlDatabase, SteppingClock]


@pytest.fixture
def hooked(database_url: str, web_hasher: Argon2Hasher) -> Iterator[Hooked]:
    world, db, clock = webhook_world(database_url, web_hasher)
    yield world, db, clock
    db.dispose()


def _worker(db: SqlDatabase, world: World) -> WebhookWorker:
    return WebhookWorker(db.webhook_queue, HttpxSender(allow_private=True, timeout=3),
                         world.clock)


def _recorded(world: World, boss: Viewer, endpoint_id: str) -> list[str]:
    """The endpoint's delivery ids in recording order."""
    return [d.id for d in reversed(world.services.webhook_log(boss, endpoint_id).deliveries)]


def _states(world: World, boss: Viewer, endpoint_id: str) -> Counter[DeliveryState]:
    return Counter(d.state for d in world.services.webhook_log(boss, endpoint_id).deliveries)


def _conversation(world: World) -> tuple[Viewer, str, str]:
    """Jan of Acme opens a ticket; staff answer, write a note, move it; Jan replies."""
    jan, number = customer_ticket(world, "jan", "Acme", "C-1")
    eng = world.engineer()
    world.services.post_reply(eng, PostReply(number, "<p>Looking into it</p>"))
    world.services.post_reply(eng, PostReply(number, "<p>NOTE-7731 old firmware</p>",
                                             internal=True))
    world.services.post_reply(jan, PostReply(number, "<p>more logs</p>"))
    world.services.change_status(eng, number, "resolved")
    return jan, number, "NOTE-7731"


def test_after_an_outage_every_event_arrives_once_in_order_and_signed(
        hooked: Hooked) -> None:
    world, db, clock = hooked
    with receiving() as receiver:
        boss = admin(world)
        world.issue("A-0", "Acme")
        world.issue("B-1", "Beta")
        acme = world.services.register_webhook(boss, RegisterWebhook(
            receiver.url("/acme"), "Acme", ALL))
        every = world.services.register_webhook(boss, RegisterWebhook(
            receiver.url("/all"), "", ALL))
        beta = world.services.register_webhook(boss, RegisterWebhook(
            receiver.url("/beta"), "Beta", ALL))
        receiver.stop()  # down: connections are refused
        _jan, number, note = _conversation(world)
        worker = _worker(db, world)
        assert worker.run_once() == 0
        receiver.start()  # back on the same port, but failing
        receiver.status = 503
        clock.advance(timedelta(hours=1))
        assert worker.run_once() == 0
        assert receiver.refused >= 2  # one per endpoint and ticket may be tried per round
        receiver.status = 204
        receiver.refuse_next = 1  # the first try of this round fails: the ticket's later
        clock.advance(timedelta(hours=1))  # deliveries to that endpoint wait for it
        assert worker.run_once() == 1
        _drain(world, clock, boss, worker, [acme.endpoint.id, every.endpoint.id])

        for hook, path in ((acme, "/acme"), (every, "/all")):
            got = [r for r in receiver.accepted if r.path == path]
            recorded = _recorded(world, boss, hook.endpoint.id)
            assert [r.delivery for r in got] == recorded  # each once, in order
            assert [r.event for r in got] == [
                "ticket.created", "ticket.public_reply", "ticket.status_changed",
                "ticket.public_reply", "ticket.status_changed"]
            now = int(clock.now().timestamp())
            day = 24 * 3600  # the test's clock jumped while draining
            for received in got:
                assert verify(hook.secret, received.signature, received.body, now, day)
                assert not verify(beta.secret, received.signature, received.body, now, day)
                assert not verify(hook.secret, received.signature, received.body + b" ", now,
                                  day)
                assert not verify(hook.secret, received.signature, received.body, now + day)
                document = received.document
                assert document["id"] == received.delivery
                assert document["type"] == received.event
                assert document["data"]["ticket"]["number"] == number
                assert note not in received.body.decode()
        assert not [r for r in receiver.accepted if r.path == "/beta"]
        assert _recorded(world, boss, beta.endpoint.id) == []
        closing = json.loads(receiver.accepted[-1].body)
        assert closing["data"]["change"] == {"from": "open", "to": "resolved"}


def _drain(world: World, clock: SteppingClock, boss: Viewer, worker: WebhookWorker,
           endpoints: list[str]) -> None:
    for _ in range(100):
        worker.run_once()
        if all(_states(world, boss, e)[DeliveryState.PENDING] == 0 for e in endpoints):
            return
        clock.advance(timedelta(minutes=10))
    raise AssertionError("deliveries still pending")


def test_two_workers_running_together_deliver_each_once_in_order(
        hooked: Hooked) -> None:
    world, db, _clock = hooked
    with receiving() as receiver:
        boss = admin(world)
        world.issue("A-0", "Acme")
        hook = world.services.register_webhook(boss, RegisterWebhook(
            receiver.url(), "Acme", ALL))
        eng = world.engineer()
        numbers = [customer_ticket(world, f"user{i}", "Acme", f"C-{i}")[1] for i in range(3)]
        for round_ in range(4):
            for number in numbers:
                world.services.post_reply(eng, PostReply(number, f"<p>step {round_}</p>"))
        recorded = _recorded(world, boss, hook.endpoint.id)
        assert len(recorded) == 3 * (1 + 4 + 1)  # created, four replies, new -> open
        workers = [_worker(db, world) for _ in range(2)]
        done = threading.Event()

        def loop(worker: WebhookWorker) -> None:
            deadline = time.monotonic() + 60
            while not done.is_set() and time.monotonic() < deadline:
                worker.run_once()

        threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(receiver.accepted) < len(recorded) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # a duplicate would arrive now
        done.set()
        for thread in threads:
            thread.join()
        got = [r.delivery for r in receiver.accepted]
        assert Counter(got) == Counter(recorded)  # every one, each exactly once
        position = {delivery: i for i, delivery in enumerate(recorded)}
        by_ticket: dict[str, list[int]] = {}
        for received in receiver.accepted:
            ticket = received.document["data"]["ticket"]["id"]
            by_ticket.setdefault(ticket, []).append(position[received.delivery])
        assert all(seq == sorted(seq) for seq in by_ticket.values())
        assert _states(world, boss, hook.endpoint.id) == {DeliveryState.DELIVERED: 18}


def test_a_delivery_failing_for_a_day_is_failed_and_can_be_sent_again(
        hooked: Hooked) -> None:
    world, db, clock = hooked
    with receiving() as receiver:
        boss = admin(world)
        hook = world.services.register_webhook(boss, RegisterWebhook(
            receiver.url(), "", (WebhookEvent.TICKET_CREATED.value,)))
        customer_ticket(world, "jan", "Acme", "C-1")
        receiver.status = 500
        worker = _worker(db, world)
        for _ in range(30):
            worker.run_once()
            clock.advance(timedelta(hours=1))
        (failed,) = world.services.webhook_log(boss, hook.endpoint.id).deliveries
        assert failed.state is DeliveryState.FAILED
        assert failed.response_status == 500
        assert 5 < failed.attempts < 40  # backed off: at most hourly for 24 h
        assert failed.attempts == receiver.refused
        receiver.status = 200
        world.services.redeliver_webhook(boss, hook.endpoint.id, failed.id)
        assert worker.run_once() == 1
        assert [r.delivery for r in receiver.accepted] == [failed.id]
        (delivered,) = world.services.webhook_log(boss, hook.endpoint.id).deliveries
        assert delivered.state is DeliveryState.DELIVERED and delivered.response_status == 200


def test_a_loopback_endpoint_is_never_called_unless_the_setting_allows_it(
        hooked: Hooked) -> None:
    world, db, _clock = hooked
    with receiving() as receiver:
        boss = admin(world)
        hook = world.services.register_webhook(boss, RegisterWebhook(receiver.url(), "", ALL))
        customer_ticket(world, "jan", "Acme", "C-1")
        strict = WebhookWorker(db.webhook_queue, HttpxSender(), world.clock)
        assert strict.run_once() == 0
        assert receiver.accepted == [] and receiver.refused == 0
        (delivery,) = world.services.webhook_log(boss, hook.endpoint.id).deliveries
        assert delivery.state is DeliveryState.PENDING
        assert "private" in delivery.last_error



def test_the_secret_is_stored_sealed_and_survives_a_key_rotation(
        database_url: str, hooked: Hooked) -> None:
    world, db, clock = hooked
    boss = admin(world)
    hook = world.services.register_webhook(boss, RegisterWebhook(
        "https://hooks.example.com/in", "", ALL))
    customer_ticket(world, "jan", "Acme", "C-1")
    with db.engine.connect() as connection:
        stored = connection.execute(select(webhook_endpoints.c.sealed_secret)).scalar_one()
    assert hook.secret not in stored
    new_key = "webhook-rotation-key-0123456789abcdef"
    rotating = SqlDatabase.from_url(database_url, box=sealing_box(new_key, TEST_SECRET_KEY))
    assert rotating.reseal_secrets().webhook_secrets == 1
    rotating.dispose()
    rotated = SqlDatabase.from_url(database_url, box=sealing_box(new_key))
    (claimed,) = rotated.webhook_queue.claim_due(clock.now(), 10, timedelta(minutes=1))
    assert claimed.secret == hook.secret
    rotated.dispose()
