"""Scenarios for the order-exceptions flow: a split shipment, a declined payment, a payment dispute (the
fraud review and the cancellation are in :mod:`.scenarios`). Same shape: change the store through its API,
then yield the callbacks BigCommerce would send."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from simulators.bigcommerce.webhooks import payloads as p

if TYPE_CHECKING:
    from simulators.bigcommerce.webhooks.scenarios import ScenarioContext, Step


async def _ship(ctx: ScenarioContext, order_id: int, address_id: int, units: list[tuple[int, int]]) -> int:
    body = {
        "order_address_id": address_id,
        "tracking_number": f"1Z{ctx.rng.randrange(10**9):09d}",
        "tracking_carrier": "ups",
        "items": [{"order_product_id": line, "quantity": quantity} for line, quantity in units],
    }
    response = await ctx.client.http.request(
        ctx.store_hash, "v2", "POST", f"/orders/{order_id}/shipments", json=body
    )
    return int(response.body["id"])


async def split_shipment(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """An order awaiting fulfillment ships one unit first (Partially Shipped), then the rest (Shipped)."""
    order = await ctx.create_order(11)
    order_id = int(order["id"])
    yield [p.order_created(order_id), p.order_status_updated(order_id, 0, 11)]
    snapshot = await ctx.client.get_order(ctx.store_hash, order_id)
    address = snapshot.shipping_addresses[0].id
    units = [(line.id, 1) for line in snapshot.products for _ in range(line.quantity)]
    if len(units) < 2:
        return
    first = await _ship(ctx, order_id, address, units[:1])
    yield [
        p.shipment_created(first, order_id),
        p.order_status_updated(order_id, 11, 3),
        p.order_updated(order_id),
    ]
    rest: dict[int, int] = {}
    for line, quantity in units[1:]:
        rest[line] = rest.get(line, 0) + quantity
    second = await _ship(ctx, order_id, address, list(rest.items()))
    yield [
        p.shipment_created(second, order_id),
        p.order_status_updated(order_id, 3, 2),
        p.order_updated(order_id),
    ]


async def payment_declined(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """An order awaiting payment has its payment declined."""
    order = await ctx.create_order(7)
    order_id = int(order["id"])
    yield [p.order_created(order_id), p.order_status_updated(order_id, 0, 7)]
    yield await ctx.set_status(order_id, 7, 6)


async def dispute(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """A completed order's payment is disputed (chargeback)."""
    order = await ctx.create_order(10)
    order_id = int(order["id"])
    yield [p.order_created(order_id), p.order_status_updated(order_id, 0, 10)]
    yield await ctx.set_status(order_id, 10, 13)
