"""Webhooks in the core: which events are recorded for which endpoints (a note for none),
the address rules, administrators only, and the worker's retry schedule and signature."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest

from clico_adapters.memory import MemoryWebhookQueue
from clico_adapters.webhooks import WebhookWorker, signature_header
from clico_adapters.webhooks.worker import retry_delay
from clico_core.errors import AdminOnly, NotFound, ValidationFailed
from clico_core.policies import visible_scope
from clico_core.services import CreateStaff, OpenTicket, PostReply, RegisterWebhook, Viewer
from clico_core.values import Role
from clico_core.webhooks import DeliveryState, WebhookEvent, check_url

from ..support import World

ALL = tuple(e.value for e in WebhookEvent)


def _staff(world: World, role: Role, email: str) -> Viewer:
    account, _ = world.services.create_staff_account(CreateStaff(email, "Ada", "Admin", role))
    return Viewer(account, f"session-{account.id}", (), visible_scope(account, ()))


def _events(world: World, boss: Viewer, endpoint_id: str) -> list[str]:
    log = world.services.webhook_log(boss, endpoint_id)
    return [d.event.value for d in reversed(log.deliveries)]


def test_events_go_to_the_companys_and_the_global_endpoints_and_a_note_to_none(
        world: World) -> None:
    boss = _staff(world, Role.ADMIN, "admin@clico.pl")
    world.issue("C-9", "Beta")
    acme_contract = world.issue("C-1", "Acme")
    acme = world.services.register_webhook(boss, RegisterWebhook(
        "https://acme.example.com/in", "Acme", ALL))
    every = world.services.register_webhook(boss, RegisterWebhook(
        "https://all.example.com/in", "", (WebhookEvent.STATUS_CHANGED.value,)))
    beta = world.services.register_webhook(boss, RegisterWebhook(
        "https://beta.example.com/in", "Beta", ALL))
    world.register("jan", contract=acme_contract)
    ticket = world.services.open_ticket(world.viewer("jan"), OpenTicket("VPN", "<p>x</p>"))
    eng = _staff(world, Role.ENGINEER, "eng@clico.pl")
    world.services.post_reply(eng, PostReply(ticket.number, "<p>SECRET note</p>",
                                             internal=True))
    world.services.post_reply(eng, PostReply(ticket.number, "<p>quiet note, new status</p>",
                                             internal=True, new_status="open"))
    assert _events(world, boss, acme.endpoint.id) == ["ticket.created",
                                                      "ticket.status_changed"]
    assert _events(world, boss, every.endpoint.id) == ["ticket.status_changed"]
    assert _events(world, boss, beta.endpoint.id) == []
    bodies = [d.body for d in world.services.webhook_log(boss, acme.endpoint.id).deliveries]
    assert not any("note" in body for body in bodies)


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://localhost:8000/x",
                                 "http://192.168.1.1/", "http://[fd00::1]/",
                                 "http://[::ffff:10.0.0.1]/", "http://printer.local/"])
def test_private_addresses_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_url(url, allow_private=False)
    assert refused.value.fields == {"url": "private_address"}
    assert check_url(f"  {url} ", allow_private=True) == url


def test_only_administrators_register_or_read_webhooks(world: World) -> None:
    eng = _staff(world, Role.ENGINEER, "eng@clico.pl")
    with pytest.raises(AdminOnly):
        world.services.register_webhook(eng, RegisterWebhook("https://a.example.com/", "",
                                                             ALL))
    with pytest.raises(AdminOnly):
        world.services.list_webhooks(eng)
    world.register("jan", contract=world.issue("C-1", "Acme"))
    with pytest.raises(NotFound):
        world.services.list_webhooks(world.viewer("jan"))


def test_the_retry_schedule_doubles_to_an_hour() -> None:
    assert retry_delay(1, lambda: 0.999999) <= timedelta(seconds=30)
    assert retry_delay(3, lambda: 0.999999) <= timedelta(minutes=2)
    assert retry_delay(3, lambda: 0.0) == timedelta(minutes=1)
    assert retry_delay(40, lambda: 0.999999) <= timedelta(hours=1)
    assert retry_delay(40, lambda: 0.0) == timedelta(minutes=30)


def test_the_signature_is_hmac_sha256_over_the_timestamp_and_the_body() -> None:
    body = b'{"id":"d1"}'
    header = signature_header("s3cret", 1700000000, body)
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


class _Down:
    def send(self, url: str, body: bytes, headers: object) -> int:
        raise ConnectionError("refused")


def test_a_delivery_is_failed_once_a_day_has_passed(world: World) -> None:
    boss = _staff(world, Role.ADMIN, "admin@clico.pl")
    hook = world.services.register_webhook(boss, RegisterWebhook(
        "https://acme.example.com/in", "", ALL))
    world.register("jan", contract=world.issue("C-1", "Acme"))
    world.services.open_ticket(world.viewer("jan"), OpenTicket("VPN", "<p>x</p>"))
    store = world.services.ports.uow.store  # type: ignore[attr-defined]
    worker = WebhookWorker(MemoryWebhookQueue(store), _Down(), world.clock)
    for _ in range(25):
        worker.run_once()
        world.clock.advance(timedelta(hours=1))
    (delivery,) = world.services.webhook_log(boss, hook.endpoint.id).deliveries
    assert delivery.state is DeliveryState.FAILED
    assert "ConnectionError" in delivery.last_error
