"""``clico worker --once`` delivers the due webhook deliveries too, signed, to a real
loopback receiver, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from clico_adapters.passwords import Argon2Hasher
from clico_core.services import RegisterWebhook
from clico_core.webhooks import DeliveryState, WebhookEvent
from clico_web.cli import main

from ..support import TEST_SECRET_KEY
from .webhook_support import admin, customer_ticket, receiving, verify, webhook_world


def test_worker_once_delivers_the_due_webhooks(database_url: str, tmp_path: Path,
                                               web_hasher: Argon2Hasher) -> None:
    world, db, _ = webhook_world(database_url, web_hasher)
    boss = admin(world)
    with receiving() as receiver:
        hook = world.services.register_webhook(boss, RegisterWebhook(
            receiver.url(), "", (WebhookEvent.TICKET_CREATED.value,)))
        _, number = customer_ticket(world, "jan", "Acme", "C-1")
        env = {"CLICO_DATABASE_URL": database_url, "CLICO_DATA_DIR": str(tmp_path / "var"),
               "CLICO_MAIL_URL": "", "CLICO_BASE_URL": "https://support.example.com",
               "CLICO_SECRET_KEY": TEST_SECRET_KEY, "CLICO_WEBHOOKS_ALLOW_PRIVATE": "1"}
        result = CliRunner().invoke(main, ["worker", "--once"], env=env,
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "1 webhook deliveries delivered" in result.output
        (received,) = receiver.accepted
    assert received.event == "ticket.created"
    assert received.document["data"]["ticket"]["number"] == number
    timestamp = int(received.signature.split(",")[0].removeprefix("t="))
    assert verify(hook.secret, received.signature, received.body, now=timestamp)
    (delivery,) = world.services.webhook_log(boss, hook.endpoint.id).deliveries
    assert delivery.state is DeliveryState.DELIVERED and delivery.id == received.delivery
    db.engine.dispose()
