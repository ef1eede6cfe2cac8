"""One odd field BigCommerce sends costs that field, not the event: the snapshot is published without it and
the loss counted; a missing required field dead-letters the event with a message naming it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bcx.contracts.commerce_carts import CartSnapshotRecord
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from producers.enricher.errors import UnenrichableEvent
from tests.producers.enricher.events import event
from tests.producers.enricher.support import STORE, rig, sim_request

ORDER = f"/stores/{STORE}/v2/orders/3"


def odd_order(path: str, body: Any) -> Any:
    if path == ORDER:
        return {**body, "discount_amount": "n/a", "date_shipped": "tomorrow"}
    return body


def odd_cart(path: str, body: Any) -> Any:
    if "/v3/carts/" in path and isinstance(body, dict) and isinstance(body.get("data"), dict):
        return {**body, "data": {**body["data"], "created_time": "string"}}
    return body


def no_order_id(path: str, body: Any) -> Any:
    return {k: v for k, v in body.items() if k != "id"} if path == ORDER else body


def coercions(metrics: Any, entity: str, field: str) -> float:
    return float(metrics.field_coercions.labels(entity, field)._value.get())


class TestTolerance:
    async def test_odd_optional_order_fields_are_dropped_and_counted(self) -> None:
        """An unreadable discount and shipping date become 0 and null; the order snapshot is published."""
        async for r in rig(edit=odd_order):
            outcome = await r.enricher.enrich(event("store/order/updated", {"type": "order", "id": 3}))
            assert outcome.outcome == "published"
            (record,) = r.publisher.records
            assert isinstance(record, OrderSnapshotRecord)
            assert record.order is not None
            assert record.order.discount_amount == Decimal(0)
            assert record.order.date_shipped is None
            assert coercions(r.metrics, "Order", "discount_amount") == 1
            assert coercions(r.metrics, "Order", "date_shipped") == 1

    async def test_cart_created_time_placeholder(self) -> None:
        """A cart whose created_time is a placeholder is published without it."""
        async for r in rig(edit=odd_cart):
            body = {"line_items": [{"product_id": 3, "quantity": 1}]}
            created = await sim_request(r.app, "POST", f"/stores/{STORE}/v3/carts", json=body)
            cart_id = created.json()["data"]["id"]
            await r.enricher.enrich(event("store/cart/created", {"type": "cart", "id": cart_id}))
            (record,) = r.publisher.records
            assert isinstance(record, CartSnapshotRecord)
            assert record.cart is not None
            assert record.cart.created_time is None
            assert coercions(r.metrics, "Cart", "created_time") == 1

    async def test_missing_required_field_names_it(self) -> None:
        """An order without its id is a permanent failure whose message names Order.id."""
        async for r in rig(edit=no_order_id):
            with pytest.raises(UnenrichableEvent, match=r"Order\.id is required"):
                await r.enricher.enrich(event("store/order/updated", {"type": "order", "id": 3}))
            assert r.publisher.records == []
