"""One event through the enricher against the simulator (in process): reads, skips, deletions, failures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bcx.bigcommerce.models.common import parse_bc_datetime
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.commerce_refunds import RefundSnapshotRecord
from bcx.contracts.webhook_event import DELAYED_ORDER_SCOPE, WebhookEvent
from producers.enricher.errors import EnrichmentRetryable, UnenrichableEvent
from simulators.bigcommerce.config import SimulatorConfig
from tests.producers.enricher.events import event
from tests.producers.enricher.support import STORE, Rig, order_reads, rig, sim_request


@pytest.fixture
async def r() -> AsyncIterator[Rig]:
    async for made in rig():
        yield made


def _order_event(order_id: int, *, at: datetime | None = None, event_id: str | None = None) -> WebhookEvent:
    return event("store/order/updated", {"type": "order", "id": order_id}, created_at=at, event_id=event_id)


class TestOrders:
    async def test_order_snapshot(self, r: Rig) -> None:
        """An order event publishes the full order: eight calls, plus six for the profiles on a cold cache."""
        outcome = await r.enricher.enrich(event("store/order/created", {"type": "order", "id": 5}))
        assert outcome.outcome == "published"
        # store 1 + customer 1 + attribute names 1 + groups 1 (both per store) + B2B company 1 + categories 1
        assert outcome.api_calls == await order_reads(r, 5) + 6
        (record,) = r.publisher.records
        assert isinstance(record, OrderSnapshotRecord)
        assert record.key == f"{STORE}:order:5"
        assert record.order is not None
        assert record.order.id == 5
        assert record.products
        assert record.shipping_addresses
        assert record.date_modified == record.order.date_modified
        assert not record.deleted

    async def test_status_transition_recorded(self, r: Rig) -> None:
        """The snapshot carries the status transition the event announced."""
        data = {"type": "order", "id": 6, "status": {"previous_status_id": 1, "new_status_id": 11}}
        await r.enricher.enrich(event("store/order/statusUpdated", data))
        trigger = r.publisher.records[0].trigger
        assert (trigger.previous_status_id, trigger.new_status_id) == (1, 11)
        assert trigger.scope == "store/order/statusUpdated"

    async def test_superseded_event_costs_no_call(self, r: Rig) -> None:
        """An event older than the published version is skipped without reading the API."""
        await r.enricher.enrich(_order_event(7))
        version = r.publisher.records[0].date_modified
        assert version is not None
        older = _order_event(7, at=version - timedelta(seconds=5))
        outcome = await r.enricher.enrich(older)
        assert (outcome.outcome, outcome.api_calls) == ("superseded", 0)
        assert len(r.publisher.records) == 1

    async def test_backlog_event_superseded_by_later_read(self, r: Rig) -> None:
        """An event created well before an earlier read of its order (a backlog) needs no new read."""
        await r.enricher.enrich(_order_event(14))
        backlog = _order_event(14, at=datetime.now(UTC) - timedelta(seconds=30))
        outcome = await r.enricher.enrich(backlog)
        assert (outcome.outcome, outcome.api_calls) == ("superseded", 0)
        fresh = _order_event(14, at=datetime.now(UTC))
        assert (await r.enricher.enrich(fresh)).api_calls == await order_reads(r, 14)

    async def test_redelivered_event_is_duplicate(self, r: Rig) -> None:
        """The same event id a second time is acknowledged without reads or a snapshot."""
        first = _order_event(8, event_id="msg_same")
        await r.enricher.enrich(first)
        outcome = await r.enricher.enrich(first)
        assert (outcome.outcome, outcome.api_calls) == ("duplicate", 0)
        assert len(r.publisher.records) == 1

    async def test_unchanged_state_is_not_republished(self, r: Rig) -> None:
        """A newer event that finds the same state reads it but publishes nothing new."""
        await r.enricher.enrich(_order_event(9))
        later = _order_event(9, at=datetime.now(UTC) + timedelta(minutes=1))
        outcome = await r.enricher.enrich(later)
        assert outcome.outcome == "duplicate"
        assert outcome.api_calls == await order_reads(r, 9)
        assert len(r.publisher.records) == 1

    async def test_sweep_event_republishes_an_unchanged_order(self, r: Rig) -> None:
        """A delay found by `bcx sweep delayed-orders` is news about an unchanged order: it is published."""
        await r.enricher.enrich(_order_event(9))
        swept = event(
            DELAYED_ORDER_SCOPE, {"type": "order", "id": 9, "delay": 1}, event_id="sweep:delayed:s:9:1"
        )
        outcome = await r.enricher.enrich(swept)
        assert outcome.outcome == "published"
        assert [rec.trigger.scope for rec in r.publisher.records] == [
            "store/order/updated",
            DELAYED_ORDER_SCOPE,
        ]

    async def test_change_is_published(self, r: Rig) -> None:
        """After a status change the next event publishes a newer version with the new status."""
        await r.enricher.enrich(_order_event(10))
        response = await sim_request(r.app, "PUT", f"/stores/{STORE}/v2/orders/10", json={"status_id": 5})
        assert response.status_code == 200
        changed_at = parse_bc_datetime(response.json()["date_modified"])
        await r.enricher.enrich(_order_event(10, at=changed_at))
        first, second = r.publisher.records
        assert isinstance(second, OrderSnapshotRecord)
        assert second.order is not None
        assert second.order.status_id == 5
        assert second.content_digest != first.content_digest

    async def test_deleted_order(self, r: Rig) -> None:
        """An order deleted before its event is read becomes an explicit deleted snapshot."""
        assert (await sim_request(r.app, "DELETE", f"/stores/{STORE}/v2/orders/11")).status_code == 204
        outcome = await r.enricher.enrich(_order_event(11))
        assert outcome.snapshots == {f"{STORE}:order:11": "deleted"}
        (record,) = r.publisher.records
        assert record.deleted
        assert isinstance(record, OrderSnapshotRecord)
        assert record.order is None
        again = await r.enricher.enrich(_order_event(11, at=datetime.now(UTC) - timedelta(minutes=1)))
        assert again.outcome == "superseded"


class TestRefunds:
    async def test_refund_publishes_refund_and_order(self, r: Rig) -> None:
        """A refund event publishes the refund (with the order's currency) and the order, one order read."""
        order = (await r.client.get_order(STORE, 12)).products[0]
        body = {"items": [{"item_type": "PRODUCT", "item_id": order.id, "quantity": 1}]}
        created = await sim_request(
            r.app, "POST", f"/stores/{STORE}/v3/orders/12/payment_actions/refunds", json=body
        )
        assert created.status_code in (200, 201)
        refund_id = int(created.json()["data"]["id"])
        data = {"type": "order", "id": 12, "refund": {"refund_id": refund_id}}
        outcome = await r.enricher.enrich(event("store/order/refund/created", data))
        # the order once for both snapshots, profiles on a cold cache
        assert outcome.api_calls == await order_reads(r, 12) + 6
        kinds = {rec.entity_type: rec for rec in r.publisher.records}
        refund = kinds["refund"]
        assert isinstance(refund, RefundSnapshotRecord)
        assert refund.refund is not None
        assert refund.refund.id == refund_id
        assert refund.order_id == 12
        assert refund.currency_code
        assert kinds["order"].entity_id == "12"
        assert [line.order_product_id for line in refund.lines] == [order.id]
        assert refund.lines[0].name == order.name
        assert refund.lines[0].amount == order.price_inc_tax
        owner = kinds["order"]
        assert isinstance(owner, OrderSnapshotRecord)
        assert owner.order is not None
        assert refund.payment_method == owner.order.payment_method
        assert refund.customer == owner.customer


class TestOtherEntities:
    async def test_customer_product_company_cart(self, r: Rig) -> None:
        """Customers, products, B2B companies and carts each land as their own snapshot type."""
        carts = await sim_request(
            r.app,
            "POST",
            f"/stores/{STORE}/v3/carts",
            json={"line_items": [{"product_id": 3, "quantity": 1}]},
        )
        cart_id = carts.json()["data"]["id"]
        events: list[tuple[str, dict[str, object]]] = [
            ("store/customer/updated", {"type": "customer", "id": 4}),
            ("store/product/updated", {"type": "product", "id": 4}),
            ("store/company/updated", {"company_id": 2}),
            ("store/cart/abandoned", {"type": "cart", "id": cart_id, "token": "t"}),
        ]
        for scope, data in events:
            await r.enricher.enrich(event(scope, data))
        by_type = {rec.entity_type: rec for rec in r.publisher.records}
        assert set(by_type) == {"customer", "product", "company", "cart"}
        assert all(not rec.deleted for rec in by_type.values())
        assert by_type["cart"].model_dump()["abandoned"] is True
        company = by_type["company"].model_dump()
        assert [(u["customer_id"], u["role"]) for u in company["users"]] == [(3, 0), (4, 1)]

    async def test_abandoned_event_is_published_even_when_the_cart_did_not_change(self, r: Rig) -> None:
        """BigCommerce's abandoned event after a read of the same, unchanged cart is still published (it
        triggers the abandoned-cart letter); an older event is not skipped as superseded either."""
        carts = await sim_request(
            r.app,
            "POST",
            f"/stores/{STORE}/v3/carts",
            json={"line_items": [{"product_id": 3, "quantity": 1}]},
        )
        cart_id = carts.json()["data"]["id"]
        await r.enricher.enrich(event("store/cart/created", {"type": "cart", "id": cart_id}))
        earlier = datetime.now(UTC) - timedelta(minutes=5)
        abandoned = event(
            "store/cart/abandoned", {"type": "cart", "id": cart_id, "token": "t"}, created_at=earlier
        )
        outcome = await r.enricher.enrich(abandoned)
        assert outcome.outcome == "published"
        assert [rec.trigger.scope for rec in r.publisher.records] == [
            "store/cart/created",
            "store/cart/abandoned",
        ]

    async def test_ignored_scope(self, r: Rig) -> None:
        """A category event is acknowledged as ignored with no reads."""
        outcome = await r.enricher.enrich(event("store/category/updated", {"type": "category", "id": 1}))
        assert (outcome.outcome, outcome.api_calls) == ("ignored", 0)


class TestFailures:
    async def test_auth_failure_is_unenrichable(self) -> None:
        """A rejected token is permanent: the event is for the dead-letter topic."""
        async for made in rig(token="wrong"):
            with pytest.raises(UnenrichableEvent) as caught:
                await made.enricher.enrich(_order_event(1))
            assert caught.value.error_class == "bigcommerce.auth"

    async def test_unknown_store_is_unenrichable(self, r: Rig) -> None:
        """An event for a store without credentials is permanent."""
        other = event("store/order/created", {"type": "order", "id": 1}, store_hash="otherstore")
        with pytest.raises(UnenrichableEvent) as caught:
            await r.enricher.enrich(other)
        assert caught.value.error_class == "config.unknown_store"

    async def test_unacknowledged_publish_is_retryable(self, r: Rig) -> None:
        """When Kafka does not acknowledge, the event is retryable and nothing is remembered as published."""
        r.publisher.fail = RuntimeError("broker down")
        first = _order_event(13, event_id="msg_retry")
        with pytest.raises(EnrichmentRetryable):
            await r.enricher.enrich(first)
        r.publisher.fail = None
        outcome = await r.enricher.enrich(first)
        assert outcome.outcome == "published"

    async def test_rate_limit_storm_waits_then_succeeds(self) -> None:
        """More 429s than the client tolerates make the enricher wait for the reset, not fail."""

        class Storm(httpx.AsyncBaseTransport):
            def __init__(self, inner: httpx.AsyncBaseTransport, count: int) -> None:
                self.inner, self.left = inner, count

            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                if self.left > 0:
                    self.left -= 1
                    return httpx.Response(429, headers={"X-Rate-Limit-Time-Reset-Ms": "250"})
                return await self.inner.handle_async_request(request)

        from simulators.bigcommerce.app import create_app

        app = create_app(SimulatorConfig(orders=20))
        async for made in rig(inner=Storm(httpx.ASGITransport(app=app), 15)):
            outcome = await made.enricher.enrich(_order_event(2))
            assert outcome.outcome == "published"
            assert made.sleeps
            assert made.sleeps[0] == pytest.approx(0.25)
