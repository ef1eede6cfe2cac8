"""Enrichment throughput against the BigCommerce simulator under a store's rate limit.

For each rate-limit setting, a fresh simulator (real HTTP on loopback) and the real client + enricher
process a stream of webhook events with a bounded window of events in flight (as the consumer runtime
would), for at most ``--seconds`` each. Events come as BigCommerce sends them: an order's creation fires
``created`` + ``statusUpdated`` + ``updated`` at once, so most of those are superseded by the first read;
customers, products and carts follow. Snapshots go to an in-memory publisher, so the figures are the
BigCommerce side's cost (Kafka adds milliseconds per acknowledged batch, not requests).

Each setting runs twice: ``before`` without the store/customer profiles and categories in the snapshots
(order documents then made its own look-ups, a store read and three calls per customer per TTL, which the
``+lookups`` column adds) and ``after`` with them (the enricher caches them per store for the TTL, so a
customer seen again costs nothing). Short runs see mostly new customers: the cold-cache worst case.
``--warm`` adds an ``after`` run that starts with every customer and product cached (the steady state of
a store whose customers order again within the TTL); its warm-up reads are not counted.

Windows are scaled down (default: BigCommerce's quotas per 3 s instead of per 30 s, and B2B Edition's 150 per
6 s instead of per 60 s) so a run takes a minute;
events/s at the real window is the measured rate times ``window_ms / 30000``, printed alongside.

    .venv/bin/python benchmarks/enricher.py --seconds 20 [--unlimited] [--warm]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import SecretStr

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.settings import BigCommerceSettings, StoreCredentials
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.webhook_event import WebhookAuthentication, WebhookEvent
from bcx.logging import configure_logging
from bcx.metrics import new_registry
from bcx.settings import LogSettings
from producers.enricher.api_calls import CountingTransport
from producers.enricher.enricher import Enricher
from producers.enricher.metrics import EnricherMetrics
from simulators.bigcommerce.config import RateLimitConfig, SimulatorConfig
from simulators.bigcommerce.server import start_simulator

STORE = "simstore1"


class NullPublisher:
    """Counts snapshots, and the registered customers of order snapshots (order documents' look-ups)."""

    def __init__(self) -> None:
        self.count = 0
        self.customers: set[int] = set()

    async def publish(self, record: SnapshotEnvelope) -> None:
        self.count += 1
        if isinstance(record, OrderSnapshotRecord) and record.order and record.order.customer_id:
            self.customers.add(record.order.customer_id)


def _event(n: int, scope: str, data: dict[str, Any], now: datetime) -> WebhookEvent:
    return WebhookEvent(
        event_id=f"bench-{n}",
        store_hash=STORE,
        producer=f"stores/{STORE}",
        scope=scope,
        resource_type=str(data.get("type", "order")),
        resource_id=str(data.get("id", "0")),
        data_json=json.dumps(data),
        created_at=now,
        received_at=now,
        authentication=WebhookAuthentication.SHARED_SECRET,
    )


def event_stream(orders: int, now: datetime) -> list[WebhookEvent]:
    """Per order: created, statusUpdated, updated; every 4th order also a customer and a product update.

    All events carry ``created_at = now``: a backlog waiting when enrichment starts (after a bulk import,
    a burst, an outage), which is when the store's rate limit is what bounds throughput.
    """
    events: list[WebhookEvent] = []
    n = 0
    for order_id in range(1, orders + 1):
        for scope, data in (
            ("store/order/created", {"type": "order", "id": order_id}),
            (
                "store/order/statusUpdated",
                {"type": "order", "id": order_id, "status": {"previous_status_id": 0, "new_status_id": 11}},
            ),
            ("store/order/updated", {"type": "order", "id": order_id}),
        ):
            n += 1
            events.append(_event(n, scope, data, now))
        if order_id % 4 == 0:
            n += 1
            events.append(_event(n, "store/customer/updated", {"type": "customer", "id": order_id // 4}, now))
            n += 1
            events.append(
                _event(n, "store/product/updated", {"type": "product", "id": order_id % 50 + 1}, now)
            )
    return events


@dataclass
class Result:
    label: str
    events: int
    snapshots: int
    api_calls: int
    rate_limited: int
    seconds: float
    window_ms: int
    #: calls order documents made itself for these snapshots (before: store + 3 per customer, one TTL)
    lookups: int = 0

    def row(self) -> str:
        rate = self.events / self.seconds if self.seconds else 0.0
        real = rate * self.window_ms / 30_000 if self.window_ms else rate
        per_event = self.api_calls / max(1, self.events)
        system = (self.api_calls + self.lookups) / max(1, self.events)
        return (
            f"{self.label:<24} {self.events:>7} {self.snapshots:>9}"
            f" {per_event:>9.2f} {system:>10.2f} {rate:>10.1f} {real:>12.2f}"
            f" {self.rate_limited:>6}"
        )


async def warm_up(enricher: Enricher, config: SimulatorConfig, limit: RateLimitConfig) -> None:
    """Steady state: every customer's profile and every product's facts already cached (read within the
    TTL by earlier events), then one (REST and B2B) window of rest so the measured run starts with full
    budgets."""
    profiles = enricher.profiles
    assert profiles is not None
    await profiles.store(STORE)
    await profiles.products(STORE, list(range(1, config.products + 1)))
    for start in range(1, config.customer_count + 1, 16):
        ids = range(start, min(start + 16, config.customer_count + 1))
        await asyncio.gather(*(profiles.customer(STORE, c) for c in ids))
    await asyncio.sleep(max(limit.window_ms / 1000, limit.b2b_window_s))


async def run_one(
    label: str,
    limit: RateLimitConfig,
    seconds: float,
    window: int,
    orders: int,
    *,
    profiles: bool,
    warm: bool = False,
) -> Result:
    config = SimulatorConfig(orders=max(orders, 200), seed=5, rate_limit=limit)
    with start_simulator(config) as sim:
        registry = new_registry()
        metrics = EnricherMetrics(registry)
        transport = CountingTransport(httpx.AsyncHTTPTransport(), on_rate_limited=metrics.rate_limited.inc)
        settings = BigCommerceSettings(
            api_base_url=sim.base_url,
            b2b_base_url=sim.base_url,
            stores=(StoreCredentials(store_hash=STORE, access_token=SecretStr(config.access_token)),),
            b2b_window_s=float(limit.b2b_window_s),
        )
        publisher = NullPublisher()
        calls = 0
        done = 0
        async with BigCommerceClient(settings, transport=transport) as client:
            enricher = Enricher(client, publisher, metrics, profile_ttl_s=600.0 if profiles else None)
            if warm:
                await warm_up(enricher, config, limit)
            events = event_stream(orders, datetime.now(UTC))
            gate = asyncio.Semaphore(window)
            deadline = time.monotonic() + seconds
            started = time.monotonic()
            last: dict[str, asyncio.Task[None]] = {}

            async def one(event: WebhookEvent, before: asyncio.Task[None] | None) -> None:
                nonlocal calls, done
                try:
                    if before is not None:
                        await before  # the runtime runs one key's records in offset order
                    if time.monotonic() > deadline:
                        return
                    outcome = await enricher.enrich(event)
                    calls += outcome.api_calls
                    done += 1
                finally:
                    gate.release()

            # admitted in stream order through a window of in-flight events, as the runtime does
            for event in events:
                await gate.acquire()
                if time.monotonic() > deadline:
                    gate.release()
                    break
                last[event.key] = asyncio.create_task(one(event, last.get(event.key)))
            await asyncio.gather(*last.values())
            elapsed = time.monotonic() - started
        limited = int(metrics.rate_limited._value.get())
    # warm: order documents' own look-ups were cached too (same TTL), so they cost nothing either
    lookups = 0 if profiles or warm else 1 + 3 * len(publisher.customers)
    window_ms = limit.window_ms if limit.quota else 0
    return Result(label, done, publisher.count, calls, limited, elapsed, window_ms, lookups)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="bound per setting")
    parser.add_argument("--window-ms", type=int, default=3000, help="rate-limit window (BigCommerce: 30000)")
    parser.add_argument("--in-flight", type=int, default=64, help="events in flight (runtime window)")
    parser.add_argument("--orders", type=int, default=600)
    parser.add_argument(
        "--quotas",
        type=lambda text: [int(q) for q in text.split(",")],
        default=[150, 450],
        help="REST requests per window to run, comma-separated (BigCommerce plans: 150, 450)",
    )
    parser.add_argument("--unlimited", action="store_true", help="also run without a rate limit")
    parser.add_argument(
        "--warm", action="store_true", help="also run 'after' with every profile already cached"
    )
    args = parser.parse_args()
    configure_logging(LogSettings(level="WARNING", format="console"))
    # B2B Edition's 150 requests per 60 s, scaled like the REST window (whole seconds, as the API counts)
    b2b_window_s = max(1, round(60 * args.window_ms / 30_000))
    settings = [
        (f"{q} req/window", RateLimitConfig(quota=q, window_ms=args.window_ms, b2b_window_s=b2b_window_s))
        for q in args.quotas
    ]
    if args.unlimited:
        settings.append(("unlimited", RateLimitConfig(quota=0)))
    print(f"window {args.window_ms} ms, {args.in_flight} events in flight, ≤{args.seconds:.0f} s per setting")
    header = ("setting", "events", "snapshots", "calls/ev", "+lookups", "events/s", "ev/s @30s", "429s")
    print("{:<24} {:>7} {:>9} {:>9} {:>10} {:>10} {:>12} {:>6}".format(*header))
    for label, limit in settings:
        runs = [("before", False, False), ("after (cold)", True, False)]
        if args.warm:
            runs.append(("after (warm)", True, True))
        for name, profiles, warm in runs:
            result = await run_one(
                f"{label} {name}",
                limit,
                args.seconds,
                args.in_flight,
                args.orders,
                profiles=profiles,
                warm=warm,
            )
            print(result.row(), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
