"""``bcx sweep delayed-orders``: find orders still waiting to ship past their promise and publish one
synthetic event per delay, so the normal path (enricher → order-exceptions) sends the delay notice.

No BigCommerce event announces a delay, so BigCommerce (the source of truth) is read: the orders in the
policy's waiting statuses (9 Awaiting Shipment, 11 Awaiting Fulfillment) created before the earliest day
any of them could be late, through the rate-limited client; for each, the shipping method (one call) gives
its promise. Days are business days of the store's calendar (its timezone from ``GET /v2/store``, holidays
and weekends from the policy), counted from store-local dates against the injected clock.

An order promised for day P is late from the next business day on: delay 1 promises shipment by
P + extension, delay 2 (once that passed too) by P + 2 × extension, and so on. The event's id is
``sweep:delayed:{store}:{order}:{n}``: running the sweep again the same day republishes the same events,
and the notice's idempotency key (``…:order_delay_notice:{n}``) makes it one notice per delay.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.webhook_event import DELAYED_ORDER_SCOPE, WebhookAuthentication, WebhookEvent
from consumers.documents.calendar import local_date
from consumers.documents.dates import store_zone
from consumers.order_exceptions.policy import ExceptionPolicy

Emit = Callable[[WebhookEvent], Awaitable[None]]


@dataclass(frozen=True)
class Delay:
    order_id: int
    number: int
    promised: date


def delay_number(promised: date, today: date, policy: ExceptionPolicy, store_hash: str) -> int:
    """0 when not late; else 1 + whole extensions already passed (see the module docstring)."""
    late = policy.business_calendar(store_hash).between(promised, today)
    return 0 if late < 1 else 1 + (late - 1) // policy.delays.extension_days


def delayed_event(store_hash: str, delay: Delay, now: datetime) -> WebhookEvent:
    data = {
        "type": "order",
        "id": delay.order_id,
        "delay": delay.number,
        "promised": delay.promised.isoformat(),
    }
    return WebhookEvent(
        event_id=f"sweep:delayed:{store_hash}:{delay.order_id}:{delay.number}",
        store_hash=store_hash,
        store_id=None,
        producer=f"stores/{store_hash}",
        scope=DELAYED_ORDER_SCOPE,
        resource_type="order",
        resource_id=str(delay.order_id),
        data_json=json.dumps(data, separators=(",", ":")),
        hash=None,
        created_at=now,
        received_at=now,
        authentication=WebhookAuthentication.RECONCILIATION,
    )


async def sweep_delayed_orders(
    client: BigCommerceClient, store_hash: str, policy: ExceptionPolicy, now: datetime, emit: Emit
) -> list[Delay]:
    """Emit one event per late order (its current delay) and return what was found."""
    store = await client.get_store_information(store_hash)
    zone = store_zone(store.timezone)
    calendar = policy.business_calendar(store_hash)
    today = local_date(now, zone)
    # an order placed after `cutoff` cannot be late today even with the shortest promise
    cutoff = today - timedelta(days=1)
    while calendar.add(cutoff, policy.shortest_promise(store_hash)) >= today:
        cutoff -= timedelta(days=1)
    created_before = datetime.combine(cutoff + timedelta(days=1), time(0), tzinfo=zone)
    found: list[Delay] = []
    for status in sorted(policy.delays.statuses):
        async for order in client.list_orders(store_hash, status_id=status, created_before=created_before):
            if order.date_created is None or order.status_id != status:
                continue
            placed = local_date(order.date_created, zone)
            addresses = await client.list_shipping_addresses(store_hash, order.id)
            method = addresses[0].shipping_method if addresses else ""
            promised = calendar.add(placed, policy.promise_days(store_hash, method))
            number = delay_number(promised, today, policy, store_hash)
            if number:
                delay = Delay(order.id, number, promised)
                await emit(delayed_event(store_hash, delay, now))
                found.append(delay)
    return found
