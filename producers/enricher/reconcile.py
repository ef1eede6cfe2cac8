"""Reconciliation: what changed since a moment, found through the API, as synthetic webhook events.

The recovery path when hooks were deactivated or events missed: orders and customers modified at or after
``since`` (BigCommerce's ``min_date_modified`` / ``date_modified:min``) become ``store/order/updated`` and
``store/customer/updated`` events on ``bigcommerce.webhooks.v1``, so the normal enrichment path reads and
publishes them. Carts have no listing endpoint in BigCommerce's management API: the carts reconcile can
find are those of the orders found — converted carts, published as ``store/cart/converted`` (the enricher
turns them into deleted cart snapshots, which cancels pending abandoned-cart letters). Open and abandoned
carts are only known from their webhooks.

Event ids are deterministic (``reconcile:{store}:{type}:{id}:{date_modified}``), so running reconcile twice
over the same window re-publishes identical events: the enricher skips the ids it has handled and, for the
rest, finds the state it already published (same digest) and publishes nothing new. ``created_at`` is the
entity's ``date_modified``; ``authentication`` is ``RECONCILIATION``: no callback was received, the facts
were read with the store's API token.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.webhook_event import WebhookAuthentication, WebhookEvent

RECONCILE_PREFIX = "reconcile:"


def synthetic_event(
    store_hash: str,
    scope: str,
    data: dict[str, Any],
    *,
    resource_type: str,
    resource_id: str,
    date_modified: datetime | None,
    received_at: datetime,
) -> WebhookEvent:
    """A webhook event as BigCommerce would have sent it for the change, with a deterministic id."""
    version = int(date_modified.timestamp()) if date_modified else 0
    return WebhookEvent(
        event_id=f"{RECONCILE_PREFIX}{store_hash}:{resource_type}:{resource_id}:{version}:{scope}",
        store_hash=store_hash,
        store_id=None,
        producer=f"stores/{store_hash}",
        scope=scope,
        resource_type=resource_type,
        resource_id=resource_id,
        data_json=json.dumps(data, separators=(",", ":")),
        hash=None,
        created_at=date_modified or received_at,
        received_at=received_at,
        authentication=WebhookAuthentication.RECONCILIATION,
    )


Emit = Callable[[WebhookEvent], Awaitable[None]]


async def reconcile(
    client: BigCommerceClient,
    store_hash: str,
    since: datetime,
    emit: Emit,
    *,
    entities: frozenset[str] = frozenset({"orders", "customers", "carts"}),
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Counter[str]:
    """Emit one event per order/customer changed at or after ``since`` (and per converted cart)."""
    counts: Counter[str] = Counter()
    if entities & {"orders", "carts"}:
        async for order in client.list_orders(store_hash, since=since):
            if "orders" in entities:
                await emit(
                    synthetic_event(
                        store_hash,
                        "store/order/updated",
                        {"type": "order", "id": order.id},
                        resource_type="order",
                        resource_id=str(order.id),
                        date_modified=order.date_modified,
                        received_at=clock(),
                    )
                )
                counts["orders"] += 1
            if "carts" in entities and order.cart_id:
                await emit(
                    synthetic_event(
                        store_hash,
                        "store/cart/converted",
                        {"type": "cart", "id": order.cart_id, "orderId": order.id},
                        resource_type="cart",
                        resource_id=order.cart_id,
                        date_modified=order.date_created or order.date_modified,
                        received_at=clock(),
                    )
                )
                counts["carts"] += 1
    if "customers" in entities:
        async for customer in client.list_customers(store_hash, since=since):
            await emit(
                synthetic_event(
                    store_hash,
                    "store/customer/updated",
                    {"type": "customer", "id": customer.id},
                    resource_type="customer",
                    resource_id=str(customer.id),
                    date_modified=customer.date_modified,
                    received_at=clock(),
                )
            )
            counts["customers"] += 1
    return counts
