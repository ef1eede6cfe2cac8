"""The demo's webhook traffic: the store's existing orders announced as BigCommerce would, then live changes.

The backlog replays each order's history as callbacks (created, then the status change to where it is now,
then updated), shuffled across the whole run and with a share of deliveries sent twice — the duplicates and
reordering BigCommerce really produces. Live scenarios then change orders through the API and announce it
(refunds among them: ``store/order/refund/created``), and a returns service posts returns to the bridge's
returns intake (:mod:`bcx_app.demo.returns`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

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
from bcx_app.demo.returns import SHIPPED, ReturnsReport, send_returns
from simulators.bigcommerce.webhooks import payloads
from simulators.bigcommerce.webhooks.scenarios import Event, ScenarioContext
from simulators.bigcommerce.webhooks.sender import SendOptions, SendReport, WebhookSender, run_scenarios

INCOMPLETE = 0
#: order-exceptions situations too (fraud review, cancellation, splits, declines, disputes); the abandoned
#: carts give retention's abandoned-cart letter (the shopper is customer 1–40; ~60 % accept abandoned-cart
#: emails, so one of three letters is suppressed, counted and explained on average)
LIVE_SCENARIOS: tuple[str, ...] = ("order-lifecycle",) * 6 + (
    "refund",
    "refund",
    "fraud-review",
    "cancellation",
)
LIVE_SCENARIOS += ("split-shipment", "split-shipment", "payment-declined", "dispute")
LIVE_SCENARIOS += ("abandoned-cart",) * 3
#: B2B companies announced in the backlog (created, approved ones get a welcome pack)
COMPANIES = 5
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


def company_events(count: int = COMPANIES) -> list[Event]:
    """B2B Edition's ``store/company/created`` callbacks for the store's first companies."""
    return [("store/company/created", {"company_id": company_id}) for company_id in range(1, count + 1)]


@dataclass
class TrafficReport:
    orders: int
    sent: int
    answered: dict[str, int]
    returns: ReturnsReport | None = None
    #: delay events `bcx sweep delayed-orders` published
    delayed: int = 0


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
    swept = 0
    try:
        async with _client(plan) as client:
            orders = [(order.id, order.status_id) async for order in client.list_orders(DEMO_STORE)]
            customers = [payloads.customer_created(cid) for cid in PROFILED_CUSTOMERS]
            events = [*customers, *backlog_events(orders), *company_events()]
            deliveries = [sender.build(event) for event in events]
            options = SendOptions(duplicates=duplicates, reorder=True, concurrency=16)
            report.results.extend(await sender.deliver_all(deliveries, options, rng))
            async with httpx.AsyncClient(base_url=plan.bigcommerce_url) as admin:
                context = ScenarioContext(client, DEMO_STORE, admin, rng)
                live = await run_scenarios(
                    LIVE_SCENARIOS, context, sender, SendOptions(duplicates=duplicates, concurrency=4)
                )
            report.results.extend(live.results)
            shipped = sorted(order_id for order_id, status in orders if status in SHIPPED)
            returns = await send_returns(client, plan.returns_url, shipped)
        swept = await sweep_delays(plan)
    finally:
        await sender.aclose()
    return TrafficReport(
        orders=len(orders),
        sent=len(report.results),
        answered=report.by_status,
        returns=returns,
        delayed=swept,
    )


async def sweep_delays(plan: DemoPlan) -> int:
    """`bcx sweep delayed-orders` on the demo store, as its CronJob would: the late orders' events."""
    from bcx.settings import KafkaSettings, RegistrySettings
    from bcx_app.cli.sweep_cmd import SweepSettings, run_sweep

    settings = SweepSettings(
        kafka=KafkaSettings(bootstrap_servers=plan.bootstrap_servers, client_id="bcx-demo-sweep"),
        registry=RegistrySettings(url=plan.registry_url),
        bigcommerce=BigCommerceSettings(
            api_base_url=plan.bigcommerce_url,
            b2b_base_url=plan.bigcommerce_url,
            stores=(StoreCredentials(store_hash=DEMO_STORE, access_token=SecretStr(DEMO_ACCESS_TOKEN)),),
        ),
    )
    return await run_sweep(settings, DEMO_STORE, datetime.now(UTC))
