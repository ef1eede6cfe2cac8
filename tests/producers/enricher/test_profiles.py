"""Snapshots carry what documents need: store and customer profiles (with the B2B company), product
categories and consent, read once per TTL and dropped by the webhooks that announce a change."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bcx.contracts.commerce_carts import CartSnapshotRecord
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.webhook_event import WebhookEvent
from simulators.bigcommerce.app import create_app
from simulators.bigcommerce.config import SimulatorConfig
from tests.producers.enricher.events import event
from tests.producers.enricher.support import STORE, Rig, rig, sim_request

#: a new order's read (7: nothing shipped) + store (1) + customer (1) + attribute names and groups (2, each
#: once per store) + B2B company (1) + categories (1)
NEW_ORDER = 7
COLD = NEW_ORDER + 6


@pytest.fixture
async def r() -> AsyncIterator[Rig]:
    async for made in rig():
        yield made


def _later(scope: str, data: dict[str, object], minutes: int) -> WebhookEvent:
    return event(scope, data, created_at=datetime.now(UTC) + timedelta(minutes=minutes))


async def _new_order(r: Rig, customer_id: int) -> int:
    body = {"customer_id": customer_id, "status_id": 11}
    created = await sim_request(r.app, "POST", f"/stores/{STORE}/v2/orders", json=body)
    assert created.status_code in (200, 201)
    return int(created.json()["id"])


def _last_order(r: Rig) -> OrderSnapshotRecord:
    return _order_of(r.publisher.records[-1])


class Recorder(httpx.AsyncBaseTransport):
    """Passes requests to ``inner``, keeping each one's path (store prefix removed) and query."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self.requests: list[tuple[str, dict[str, str]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.replace(f"/stores/{STORE}", "")
        self.requests.append((path, dict(request.url.params)))
        return await self._inner.handle_async_request(request)


def _order_of(record: object) -> OrderSnapshotRecord:
    assert isinstance(record, OrderSnapshotRecord)
    return record


class TestOrderProfiles:
    async def test_order_carries_store_customer_company_and_categories(self, r: Rig) -> None:
        """A B2B buyer's order carries the store profile, the customer with group, preferences and company,
        and each line's catalogue categories."""
        order_id = await _new_order(r, customer_id=1)
        await r.enricher.enrich(event("store/order/created", {"type": "order", "id": order_id}))
        record = _last_order(r)
        info = await r.client.get_store_information(STORE)
        assert record.store is not None
        assert (record.store.id, record.store.name, record.store.currency) == (
            info.id,
            info.name,
            info.currency,
        )
        assert record.store.timezone.name == info.timezone.name
        customer = record.customer
        assert customer is not None
        assert customer.id == 1
        assert customer.email
        assert customer.group is not None
        assert "document_delivery" in customer.attributes
        assert customer.b2b_company is not None
        assert customer.b2b_company.company_id == 1
        products = await r.client.get_product_categories(STORE, [p.product_id for p in record.products])
        expected = {p.id: p.categories for p in products}
        assert [line.categories for line in record.products] == [
            expected.get(line.product_id, []) for line in record.products
        ]
        assert any(line.categories for line in record.products)

    async def test_guest_order_has_no_customer(self, r: Rig) -> None:
        """A guest order carries the store but no customer profile, and no customer or B2B call is made."""
        order_id = await _new_order(r, customer_id=0)
        outcome = await r.enricher.enrich(event("store/order/created", {"type": "order", "id": order_id}))
        assert outcome.api_calls == NEW_ORDER + 1 + 1  # the order, the store, the categories
        record = _last_order(r)
        assert record.store is not None
        assert record.customer is None

    async def test_profiles_are_read_once_per_ttl(self, r: Rig) -> None:
        """A second order of the same customer costs only the order read and its new products' categories."""
        first = await _new_order(r, customer_id=7)
        second = await _new_order(r, customer_id=7)
        cold = await r.enricher.enrich(event("store/order/created", {"type": "order", "id": first}))
        warm = await r.enricher.enrich(event("store/order/created", {"type": "order", "id": second}))
        assert cold.api_calls == COLD
        # + 1 when the second order has a product the first did not
        assert warm.api_calls in (NEW_ORDER, NEW_ORDER + 1)

    async def test_concurrent_orders_share_profile_reads_and_batch_categories(self) -> None:
        """Eight orders enriched at once read the store, the attribute names and the groups once, each
        distinct customer and its company once, and each product's categories once."""
        app = create_app(SimulatorConfig(orders=60))
        seen = Recorder(httpx.ASGITransport(app=app))
        async for made in rig(inner=seen):
            ids = list(range(16, 24))
            orders = [await made.client.get_order_only(STORE, i) for i in ids]
            seen.requests.clear()
            await asyncio.gather(
                *(made.enricher.enrich(event("store/order/created", {"type": "order", "id": i})) for i in ids)
            )
            customers = {o.customer_id for o in orders if o.customer_id}
            paths = Counter(path for path, _ in seen.requests)
            assert (paths["/v2/store"], paths["/v3/customers/attributes"], paths["/v2/customer_groups"]) == (
                1,
                1,
                1,
            )
            assert paths["/v3/customers"] == paths["/api/v3/io/companies"] == len(customers)
            listed = [
                int(i)
                for path, query in seen.requests
                if path == "/v3/catalog/products"
                for i in query["id:in"].split(",")
            ]
            products = {p.product_id for r in made.publisher.records for p in _order_of(r).products}
            assert sorted(listed) == sorted(products)

    async def test_webhooks_invalidate_what_they_announce(self, r: Rig) -> None:
        """store/customer/*, store/information/updated, store/product/* and store/category/deleted drop
        the matching cache entries; a customer or product event's own read refills them."""
        order_id = await _new_order(r, customer_id=9)
        order = {"type": "order", "id": order_id}
        await r.enricher.enrich(event("store/order/created", order))
        product_id = _last_order(r).products[0].product_id
        await r.enricher.enrich(_later("store/customer/updated", {"type": "customer", "id": 9}, 1))
        again = await r.enricher.enrich(_later("store/order/updated", order, 2))
        # the customer event's own read refreshed the customer: only its B2B company is read again
        assert again.api_calls == NEW_ORDER + 1
        await r.enricher.enrich(_later("store/information/updated", {"type": "store"}, 3))
        again = await r.enricher.enrich(_later("store/order/updated", order, 4))
        assert again.api_calls == NEW_ORDER + 1
        await r.enricher.enrich(_later("store/product/updated", {"type": "product", "id": product_id}, 5))
        again = await r.enricher.enrich(_later("store/order/updated", order, 6))
        assert again.api_calls == NEW_ORDER  # the product event's own read refreshed its categories
        await r.enricher.enrich(_later("store/category/deleted", {"type": "category", "id": 1}, 7))
        again = await r.enricher.enrich(_later("store/order/updated", order, 8))
        assert again.api_calls == NEW_ORDER + 1  # a deleted category drops every product's categories

    async def test_company_event_drops_its_customers(self, r: Rig) -> None:
        """A store/company/* event re-reads the profiles of that company's customers on their next order."""
        order_id = await _new_order(r, customer_id=3)
        order = {"type": "order", "id": order_id}
        await r.enricher.enrich(event("store/order/created", order))
        company = _last_order(r).customer
        assert company is not None
        assert company.b2b_company is not None
        await r.enricher.enrich(
            _later("store/company/updated", {"company_id": company.b2b_company.company_id}, 1)
        )
        again = await r.enricher.enrich(_later("store/order/updated", order, 2))
        assert again.api_calls == NEW_ORDER + 1  # the B2B company only

    async def test_profiles_off_carry_nothing(self) -> None:
        """With profiles off (TTL 0) the order read is the only cost and nothing extra is carried."""
        async for made in rig():
            made.enricher.profiles = None
            outcome = await made.enricher.enrich(event("store/order/created", {"type": "order", "id": 5}))
            assert outcome.api_calls == 8
            record = _last_order(made)
            assert (record.store, record.customer) == (None, None)


class TestCartProfiles:
    async def test_cart_carries_customer_and_consent(self, r: Rig) -> None:
        """A registered customer's cart carries the profile and the abandoned-cart email consent; a guest
        cart carries neither."""
        ids = []
        for customer_id in (5, 0):
            body = {"customer_id": customer_id, "line_items": [{"product_id": 3, "quantity": 1}]}
            created = await sim_request(r.app, "POST", f"/stores/{STORE}/v3/carts", json=body)
            ids.append(created.json()["data"]["id"])
        for cart_id in ids:
            await r.enricher.enrich(event("store/cart/created", {"type": "cart", "id": cart_id}))
        registered, guest = r.publisher.records
        assert isinstance(registered, CartSnapshotRecord)
        assert isinstance(guest, CartSnapshotRecord)
        assert registered.customer is not None
        assert registered.customer.id == 5
        expected = (
            await r.client.get_customer(STORE, 5)
        ).customer.accepts_product_review_abandoned_cart_emails
        assert registered.accepts_abandoned_cart_emails is expected
        assert (guest.customer, guest.accepts_abandoned_cart_emails) == (None, None)
