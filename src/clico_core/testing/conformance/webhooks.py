"""Conformance: webhook endpoints, their deliveries, the worker's queue and pruning.

Needs the fixtures ``uow_factory`` and ``webhook_queue`` (the ``WebhookQueue`` over the same
database).
"""

from __future__ import annotations

from datetime import timedelta

from ...ports import UnitOfWorkFactory
from ...webhook_ports import WebhookQueue
from ...webhooks import DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .. import builders as b

T0 = b.T0
HOUR = timedelta(hours=1)
LEASE = timedelta(minutes=5)
CREATED = WebhookEvent.TICKET_CREATED
REPLY = WebhookEvent.PUBLIC_REPLY


def _endpoint(company_id: str | None, *events: WebhookEvent) -> WebhookEndpoint:
    return WebhookEndpoint(id=b.new_id("wh"), url="https://hooks.example.com/in",
                           company_id=company_id, events=frozenset(events or (CREATED,)),
                           created_at=T0, secret="s3cret-" + b.new_id("k"))


def _delivery(endpoint_id: str, ticket_id: str = "t1") -> WebhookDelivery:
    return WebhookDelivery(id=b.new_id("dl"), endpoint_id=endpoint_id, event=CREATED,
                           ticket_id=ticket_id, body='{"n":1}', created_at=T0,
                           give_up_at=T0 + 24 * HOUR)


def _setup(uow_factory: UnitOfWorkFactory, company_id: str | None = None
           ) -> WebhookEndpoint:
    endpoint = _endpoint(company_id)
    with uow_factory() as uow:
        uow.webhooks.add_endpoint(endpoint)
        uow.commit()
    return endpoint


class WebhookConformance:
    def test_endpoints_are_listed_oldest_first_without_their_secret_and_matched(
            self, uow_factory: UnitOfWorkFactory) -> None:
        acme, other = b.company("Acme"), b.company("Other")
        own = _endpoint(acme.id, CREATED, REPLY)
        everyone = _endpoint(None, REPLY)
        theirs = _endpoint(other.id, CREATED)
        with uow_factory() as uow:
            uow.companies.add(acme)
            uow.companies.add(other)
            for endpoint in (own, everyone, theirs):
                uow.webhooks.add_endpoint(endpoint)
            uow.commit()
        with uow_factory() as uow:  # rolled back: not kept
            uow.webhooks.add_endpoint(_endpoint(None))
        with uow_factory(readonly=True) as uow:
            listed = uow.webhooks.endpoints()
            assert {e.id for e in listed} == {own.id, everyone.id, theirs.id}
            assert all(e.secret == "" for e in listed)
            got = uow.webhooks.get_endpoint(own.id)
            assert got is not None and got.secret == "" and got.events == own.events
            assert got.company_id == acme.id and got.url == own.url
            assert uow.webhooks.get_endpoint("nope") is None
            assert {e.id for e in uow.webhooks.matching(REPLY, acme.id)} == {
                own.id, everyone.id}
            assert [e.id for e in uow.webhooks.matching(CREATED, acme.id)] == [own.id]
            assert [e.id for e in uow.webhooks.matching(CREATED, other.id)] == [theirs.id]

    def test_the_log_is_newest_first_and_a_resend_makes_a_delivery_due_again(
            self, uow_factory: UnitOfWorkFactory, webhook_queue: WebhookQueue) -> None:
        endpoint = _setup(uow_factory)
        deliveries = [_delivery(endpoint.id, f"t{i}") for i in range(3)]
        with uow_factory() as uow:
            for delivery in deliveries:
                uow.webhooks.enqueue(delivery)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert [d.id for d in uow.webhooks.deliveries(endpoint.id, 2)] == [
                deliveries[2].id, deliveries[1].id]
        webhook_queue.mark_failed(deliveries[0].id, 500, "HTTP 500")
        with uow_factory() as uow:
            assert not uow.webhooks.resend("other", deliveries[0].id, T0, T0 + HOUR)
            assert uow.webhooks.resend(endpoint.id, deliveries[0].id, T0, T0 + HOUR)
            uow.commit()
        again = webhook_queue.get(deliveries[0].id)
        assert again is not None and again.state is DeliveryState.PENDING
        assert again.give_up_at == T0 + HOUR and again.body == deliveries[0].body

    def test_claims_keep_the_order_per_ticket_and_sign_with_the_endpoint_secret(
            self, uow_factory: UnitOfWorkFactory, webhook_queue: WebhookQueue) -> None:
        endpoint = _setup(uow_factory)
        first, second, other = (_delivery(endpoint.id, "t1"), _delivery(endpoint.id, "t1"),
                                _delivery(endpoint.id, "t2"))
        with uow_factory() as uow:
            for delivery in (first, second, other):
                uow.webhooks.enqueue(delivery)
            uow.commit()
        claimed = webhook_queue.claim_due(T0, 10, LEASE)
        assert [c.delivery.id for c in claimed] == [first.id, other.id]
        assert {c.secret for c in claimed} == {endpoint.secret}
        assert claimed[0].delivery.attempts == 1
        assert webhook_queue.claim_due(T0, 10, LEASE) == []  # leased
        webhook_queue.mark_delivered(first.id, 204, T0)
        webhook_queue.mark_retry(other.id, 503, "HTTP 503", T0 + HOUR)
        assert [c.delivery.id for c in webhook_queue.claim_due(T0 + LEASE, 10, LEASE)] == [
            second.id]
        done = webhook_queue.get(first.id)
        assert done is not None and done.state is DeliveryState.DELIVERED
        assert done.response_status == 204 and done.delivered_at == T0

    def test_finished_deliveries_older_than_the_cutoff_are_pruned_never_pending_ones(
            self, uow_factory: UnitOfWorkFactory, webhook_queue: WebhookQueue) -> None:
        endpoint = _setup(uow_factory)
        cutoff = T0 + 30 * 24 * HOUR
        deliveries = [_delivery(endpoint.id, f"t{i}") for i in range(7)]
        with uow_factory() as uow:
            for delivery in deliveries:
                uow.webhooks.enqueue(delivery)
            uow.commit()
        assert len(webhook_queue.claim_due(T0, 10, LEASE)) == 7
        # delivered long ago, failed long ago (its tries ended T0 + 24 h): both go
        for index in range(3):
            webhook_queue.mark_delivered(deliveries[index].id, 200, T0 + index * HOUR)
        webhook_queue.mark_failed(deliveries[3].id, 500, "HTTP 500")
        # delivered after the cutoff: stays; still pending (claimed long ago): stays
        webhook_queue.mark_delivered(deliveries[4].id, 200, cutoff + HOUR)
        webhook_queue.mark_retry(deliveries[5].id, 500, "HTTP 500", T0 + HOUR)
        with uow_factory() as uow:  # a delete rolled back deletes nothing
            assert uow.webhooks.delete_older_than(cutoff, 10) == 4
        counts: list[int] = []
        while not counts or counts[-1]:
            with uow_factory() as uow:
                counts.append(uow.webhooks.delete_older_than(cutoff, 3))
                uow.commit()
        assert counts == [3, 1, 0]
        kept = [webhook_queue.get(d.id) for d in deliveries]
        assert [d is not None for d in kept] == [False] * 4 + [True] * 3
        with uow_factory(readonly=True) as uow:
            assert {d.id for d in uow.webhooks.deliveries(endpoint.id, 10)} == {
                d.id for d in deliveries[4:]}

    def test_a_disabled_endpoint_is_not_matched_and_its_deliveries_wait(
            self, uow_factory: UnitOfWorkFactory, webhook_queue: WebhookQueue) -> None:
        endpoint = _setup(uow_factory)
        delivery = _delivery(endpoint.id)
        with uow_factory() as uow:
            uow.webhooks.enqueue(delivery)
            assert uow.webhooks.change_endpoint(endpoint.id, frozenset({REPLY}), False)
            assert not uow.webhooks.change_endpoint("nope", frozenset({REPLY}), False)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            changed = uow.webhooks.get_endpoint(endpoint.id)
            assert changed is not None and not changed.enabled
            assert changed.events == frozenset({REPLY})
            assert uow.webhooks.matching(REPLY, "any-company") == []
        assert webhook_queue.claim_due(T0 + HOUR, 10, LEASE) == []
        with uow_factory() as uow:
            assert uow.webhooks.change_endpoint(endpoint.id, frozenset({REPLY}), True)
            uow.commit()
        (claimed,) = webhook_queue.claim_due(T0 + HOUR, 10, LEASE)
        assert claimed.delivery.id == delivery.id and claimed.secret == endpoint.secret
        with uow_factory(readonly=True) as uow:
            assert [e.id for e in uow.webhooks.matching(REPLY, "any-company")] == [endpoint.id]

    def test_deleting_an_endpoint_deletes_its_deliveries_only(
            self, uow_factory: UnitOfWorkFactory, webhook_queue: WebhookQueue) -> None:
        doomed, kept = _setup(uow_factory), _setup(uow_factory)
        mine = [_delivery(doomed.id, f"t{i}") for i in range(2)]
        other = _delivery(kept.id)
        with uow_factory() as uow:
            for delivery in (*mine, other):
                uow.webhooks.enqueue(delivery)
            uow.commit()
        with uow_factory() as uow:  # rolled back: both stay
            assert uow.webhooks.delete_endpoint(doomed.id) == 2
        with uow_factory() as uow:
            assert uow.webhooks.delete_endpoint(doomed.id) == 2
            assert uow.webhooks.delete_endpoint("nope") is None
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.webhooks.get_endpoint(doomed.id) is None
            assert [e.id for e in uow.webhooks.endpoints()] == [kept.id]
        assert [webhook_queue.get(d.id) for d in mine] == [None, None]
        assert [c.delivery.id for c in webhook_queue.claim_due(T0, 10, LEASE)] == [other.id]
