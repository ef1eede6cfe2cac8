"""Scenarios: change the simulated store through its API, then yield the callbacks BigCommerce would send.

Each scenario is an async generator of steps; a step is the list of ``(scope, data)`` events one change
causes (an order status change fires ``statusUpdated`` and ``updated``, as BigCommerce does). The sender
posts a step's callbacks after the change, so a consumer that re-reads the store sees that state or newer.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from bcx.bigcommerce.client import BigCommerceClient
from simulators.bigcommerce.webhooks import payloads as p

Event = tuple[str, dict[str, Any]]
Step = list[Event]


@dataclass
class ScenarioContext:
    """What a scenario needs: a client on the simulated store, the simulator's admin URL, randomness."""

    client: BigCommerceClient
    store_hash: str
    sim_admin: httpx.AsyncClient  # base URL = simulator root, for /_sim calls
    rng: random.Random

    async def create_order(self, status_id: int) -> dict[str, Any]:
        body = {"status_id": status_id, "customer_id": self.rng.randint(1, 40)}
        response = await self.client.http.request(self.store_hash, "v2", "POST", "/orders", json=body)
        order: dict[str, Any] = response.body
        return order

    async def set_status(self, order_id: int, previous: int, new: int) -> Step:
        await self.client.update_order_status(self.store_hash, order_id, new)
        return [p.order_status_updated(order_id, previous, new), p.order_updated(order_id)]


async def order_lifecycle(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """Created (Incomplete) → Awaiting Fulfillment → shipped in full → Completed."""
    order = await ctx.create_order(0)
    order_id = int(order["id"])
    yield [p.order_created(order_id)]
    yield await ctx.set_status(order_id, 0, 11)
    snapshot = await ctx.client.get_order(ctx.store_hash, order_id)
    body = {
        "order_address_id": snapshot.shipping_addresses[0].id,
        "tracking_number": f"1Z{ctx.rng.randrange(10**9):09d}",
        "tracking_carrier": "ups",
        "items": [{"order_product_id": line.id, "quantity": line.quantity} for line in snapshot.products],
    }
    response = await ctx.client.http.request(
        ctx.store_hash, "v2", "POST", f"/orders/{order_id}/shipments", json=body
    )
    yield [
        p.shipment_created(int(response.body["id"]), order_id),
        p.order_status_updated(order_id, 11, 2),
        p.order_updated(order_id),
    ]
    yield await ctx.set_status(order_id, 2, 10)


async def refund(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """A completed order gets one item refunded (Partially Refunded, or Refunded if it was the only one)."""
    order = await ctx.create_order(10)
    order_id = int(order["id"])
    yield [p.order_created(order_id), p.order_status_updated(order_id, 0, 10)]
    snapshot = await ctx.client.get_order(ctx.store_hash, order_id)
    line = snapshot.products[0]
    body = {
        "items": [{"item_type": "PRODUCT", "item_id": line.id, "quantity": 1, "reason": "Damaged"}],
        "payments": [{"provider_id": "braintree", "amount": float(line.price_inc_tax), "offline": False}],
    }
    response = await ctx.client.http.request(
        ctx.store_hash, "v3", "POST", f"/orders/{order_id}/payment_actions/refunds", json=body
    )
    after = await ctx.client.get_order_only(ctx.store_hash, order_id)
    yield [
        p.order_refund_created(order_id, int(response.body["data"]["id"])),
        p.order_status_updated(order_id, 10, after.status_id),
        p.order_updated(order_id),
    ]


async def fraud_review(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """An order held for Manual Verification Required, then released to Awaiting Fulfillment."""
    order = await ctx.create_order(12)
    order_id = int(order["id"])
    yield [p.order_created(order_id), p.order_status_updated(order_id, 0, 12)]
    yield await ctx.set_status(order_id, 12, 11)


async def cancellation(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """An order awaiting fulfillment is cancelled."""
    order = await ctx.create_order(11)
    order_id = int(order["id"])
    yield [p.order_created(order_id), p.order_status_updated(order_id, 0, 11)]
    yield await ctx.set_status(order_id, 11, 5)


async def abandoned_cart(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """A shopper fills a cart and leaves; an hour later it is abandoned (with its recovery token)."""
    body = {
        "customer_id": ctx.rng.randint(1, 40),
        "line_items": [{"product_id": ctx.rng.randint(1, 20), "quantity": 2}],
    }
    response = await ctx.client.http.request(ctx.store_hash, "v3", "POST", "/carts", json=body)
    cart_id = str(response.body["data"]["id"])
    yield [p.cart_created(cart_id)]
    aged = await ctx.sim_admin.post(f"/_sim/stores/{ctx.store_hash}/carts/{cart_id}/abandon")
    aged.raise_for_status()
    yield [p.cart_abandoned(cart_id, str(aged.json()["token"]))]


async def new_customer(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """A shopper registers."""
    n = ctx.rng.randrange(10**6)
    body = [{"email": f"new{n}@example.com", "first_name": "New", "last_name": f"Shopper{n}"}]
    response = await ctx.client.http.request(ctx.store_hash, "v3", "POST", "/customers", json=body)
    yield [p.customer_created(int(response.body["data"][0]["id"]))]


async def price_change(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """The merchant raises a product's price by 10 %."""
    product_id = ctx.rng.randint(1, 20)
    current = await ctx.client.get_product(ctx.store_hash, product_id)
    price = float((current.product.price * Decimal("1.10")).quantize(Decimal("0.01")))
    await ctx.client.http.request(
        ctx.store_hash, "v3", "PUT", f"/catalog/products/{product_id}", json={"price": price}
    )
    yield [p.product_updated(product_id)]


async def policy_hand_edit(ctx: ScenarioContext) -> AsyncIterator[Step]:
    """A merchant edits the terms page and the checkout terms text by hand in the control panel."""
    pages = await ctx.client.list_pages(ctx.store_hash, channel_id=1)
    terms = next((page for page in pages if "terms" in (page.url or "")), None)
    if terms is not None:
        body = f"{terms.body or ''}<p>Edited in the control panel.</p>"
        await ctx.client.http.request(
            ctx.store_hash, "v3", "PUT", f"/content/pages/{terms.id}", json={"body": body}
        )
        yield [p.page_updated(1, terms.id)]
    edit = {"order_terms_and_conditions_textarea": "Edited in the control panel."}
    await ctx.client.http.request(ctx.store_hash, "v3", "PUT", "/checkouts/settings/channels/1", json=edit)
    yield [p.checkout_settings_updated(1)]


SCENARIOS: dict[str, Callable[[ScenarioContext], AsyncIterator[Step]]] = {
    "order-lifecycle": order_lifecycle,
    "refund": refund,
    "fraud-review": fraud_review,
    "cancellation": cancellation,
    "abandoned-cart": abandoned_cart,
    "new-customer": new_customer,
    "price-change": price_change,
    "policy-hand-edit": policy_hand_edit,
}
