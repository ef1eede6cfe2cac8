"""The demo's webhook traffic: the store's existing orders announced as BigCommerce would, then live changes.

The backlog replays each order's history as callbacks (created, then the status change to where it is now,
then updated), shuffled across the whole run and with a share of deliveries sent twice — the duplicates and
reordering BigCommerce really produces. Live scenarios then change orders through the API and announce it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from pydantic import SecretStr

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.settings import BigCommerceSettings, StoreCredentials
from bcx_app.demo.plan import (
    DEMO_ACCESS_TOKEN,
    DEMO_CLIENT_SECRET,
    DEMO_SHARED_SECRET,
    DEMO_STORE,
    SECRET_HEADER,
    DemoPlan,
)
from simulators.bigcommerce.webhooks import payloads
from simulators.bigcommerce.webhooks.scenarios import Event, ScenarioContext
from simulators.bigcommerce.webhooks.sender import SendOptions, SendReport, WebhookSender, run_scenarios

INCOMPLETE = 0
#: the last three give retention's abandoned-cart letter (the shopper is customer 1–40; ~60 % accept
#: abandoned-cart emails, so one of three letters is suppressed, counted and explained on average)
LIVE_SCENARIOS = (
    ("order-lifecycle",) * 6 + ("refund", "refund", "fraud-review", "cancellation") + ("abandoned-cart",) * 3
)
#: the customers announced so that the customer-profiles group has their contact and consent
PROFILED_CUSTOMERS = range(1, 41)


def backlog_events(orders: Sequence[tuple[int, int]]) -> list[Event]:
    """The callbacks for orders (id, current status): created, the status change, then updated."""
    events: list[Event] = []
    for order_id, status_id in orders:
        events.append(payloads.order_created(order_id))
        if status_id != INCOMPLETE:
            events.append(payloads.order_status_updated(order_id, INCOMPLETE, status_id))
            events.append(payloads.order_updated(order_id))
    return events


@dataclass
class TrafficReport:
    orders: int
    sent: int
    answered: dict[str, int]


def _client(plan: DemoPlan) -> BigCommerceClient:
    settings = BigCommerceSettings(
        api_base_url=plan.bigcommerce_url,
        b2b_base_url=plan.bigcommerce_url,
        stores=(StoreCredentials(store_hash=DEMO_STORE, access_token=SecretStr(DEMO_ACCESS_TOKEN)),),
    )
    return BigCommerceClient(settings)


async def send_traffic(plan: DemoPlan, rng: random.Random, *, duplicates: float = 0.15) -> TrafficReport:
    store_id = 1_000_001  # the simulator numbers its first configured store so
    sender = WebhookSender(
        plan.bridge_url,
        store_id=store_id,
        store_hash=DEMO_STORE,
        client_secret=DEMO_CLIENT_SECRET,
        secret_header=(SECRET_HEADER, DEMO_SHARED_SECRET),
    )
    report = SendReport()
    try:
        async with _client(plan) as client:
            orders = [(order.id, order.status_id) async for order in client.list_orders(DEMO_STORE)]
            customers = [payloads.customer_created(cid) for cid in PROFILED_CUSTOMERS]
            deliveries = [sender.build(event) for event in [*customers, *backlog_events(orders)]]
            options = SendOptions(duplicates=duplicates, reorder=True, concurrency=16)
            report.results.extend(await sender.deliver_all(deliveries, options, rng))
            async with httpx.AsyncClient(base_url=plan.bigcommerce_url) as admin:
                context = ScenarioContext(client, DEMO_STORE, admin, rng)
                live = await run_scenarios(
                    LIVE_SCENARIOS, context, sender, SendOptions(duplicates=duplicates, concurrency=4)
                )
            report.results.extend(live.results)
    finally:
        await sender.aclose()
    return TrafficReport(orders=len(orders), sent=len(report.results), answered=report.by_status)
