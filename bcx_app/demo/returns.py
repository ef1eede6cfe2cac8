"""The demo's returns: a returns service posting to the bridge's returns intake (``POST /returns/v1``).

For a handful of the store's shipped orders it submits returns that exercise each returns document: an
eligible refund (RMA letter + label), an exchange (+ exchange instructions), a non-returnable category
(refusal letter), a request after the window (refusal), and one the service later rejects after
inspection. Every submission is sent twice (the service retrying) and the bridge must answer both 200.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.models.orders import OrderSnapshot
from bcx_app.demo.plan import DEMO_RETURNS_TOKEN, DEMO_STORE

SHIPPED = frozenset({2, 3, 10})
#: (category, product type, reason, resolution, days after delivery, later state)
CASES: tuple[tuple[str, str, str, str, int, str | None], ...] = (
    ("apparel", "apparel", "changed_mind", "refund", 12, None),
    ("home", "fragile", "damaged", "exchange", 3, None),
    ("perishables", "standard", "changed_mind", "refund", 2, None),
    ("electronics", "electronics", "changed_mind", "refund", 40, None),
    ("footwear", "footwear", "not_as_described", "refund", 8, "rejected"),
)


@dataclass
class ReturnsReport:
    posted: int
    answered: dict[str, int]


def submission(
    snapshot: OrderSnapshot, case: tuple[str, str, str, str, int, str | None], now: datetime
) -> dict[str, Any]:
    """A return of the order's first line, requested ``days`` after delivery."""
    category, product_type, reason, resolution, days, _ = case
    order, line = snapshot.order, snapshot.products[0]
    address = order.billing_address
    # requested now (the summary's latency counts from updated_at), delivered `days` before
    requested = now
    delivered = requested - timedelta(days=days)
    body: dict[str, Any] = {
        "return_id": f"DEMO-{order.id}",
        "store_hash": DEMO_STORE,
        "order_id": order.id,
        "state": "requested",
        "resolution": resolution,
        "reason_code": reason,
        "lines": [
            {
                "order_product_id": line.id,
                "product_id": line.product_id,
                "sku": line.sku,
                "name": line.name,
                "quantity": 1,
                "category": category,
                "product_type": product_type,
                "weight_grams": 800,
            }
        ],
        "customer": {
            "customer_id": order.customer_id,
            "name": f"{address.first_name} {address.last_name}".strip(),
            "email": address.email,
            "address": {
                "name": f"{address.first_name} {address.last_name}".strip(),
                "street_1": address.street_1,
                "city": address.city,
                "state": address.state,
                "zip": address.zip,
                "country_iso2": address.country_iso2,
            },
        },
        "currency_code": order.currency_code,
        "delivered_at": delivered.isoformat(),
        "requested_at": requested.isoformat(),
        "updated_at": requested.isoformat(),
    }
    if resolution == "exchange":
        body["exchange_lines"] = [{"product_id": line.product_id, "sku": line.sku, "name": line.name}]
    return body


async def send_returns(client: BigCommerceClient, returns_url: str, order_ids: list[int]) -> ReturnsReport:
    """Post one return per case for the first shipped orders, each twice; the later states after."""
    answered: Counter[str] = Counter()
    now = datetime.now(UTC)
    bodies: list[dict[str, Any]] = []
    for order_id, case in zip(order_ids, CASES, strict=False):
        snapshot = await client.get_order(DEMO_STORE, order_id)
        if not snapshot.products:
            continue
        body = submission(snapshot, case, now)
        bodies.append(body)
        if case[5] is not None:
            later = (datetime.fromisoformat(body["updated_at"]) + timedelta(seconds=1)).isoformat()
            rejection = "The item shows signs of wear." if case[5] == "rejected" else ""
            bodies.append({**body, "state": case[5], "updated_at": later, "rejection_reason": rejection})
    headers = {"authorization": f"Bearer {DEMO_RETURNS_TOKEN}"}
    async with httpx.AsyncClient(timeout=30) as http:
        for body in bodies:
            for _ in range(2):  # the service retries: the second is a duplicate, answered 200 too
                response = await http.post(returns_url, json=body, headers=headers)
                answered[str(response.status_code)] += 1
    return ReturnsReport(posted=sum(answered.values()), answered=dict(answered))
