"""`bcx sweep delayed-orders`: late orders found in BigCommerce with business days, the store's timezone and
holidays, against a controlled clock; one deterministic event per delay."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx

from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.webhook_event import DELAYED_ORDER_SCOPE, WebhookEvent
from consumers.order_exceptions.policy import ExceptionPolicy, load_policy
from consumers.order_exceptions.sweep import Delay, sweep_delayed_orders
from simulators.bigcommerce.app import create_app
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.state import StoreState
from tests.producers.enricher.support import STORE, client_settings, no_sleep

CONFIG = SimulatorConfig(orders=40, seed=42)
CHICAGO = ZoneInfo("America/Chicago")  # the simulated store's timezone
WAITING = (9, 11)


def newest_waiting() -> tuple[int, date]:
    """The simulated order waiting to ship that was placed last, and its store-local date."""
    state = StoreState(CONFIG, STORE, lambda: datetime.now(UTC))
    orders = [state.order_record(i) for i in range(1, CONFIG.orders + 1)]
    waiting = [r["order"] for r in orders if r is not None and r["order"]["status_id"] in WAITING]
    newest = max(waiting, key=lambda o: o["id"])  # dates rise with the id
    created = datetime.strptime(newest["date_created"], "%a, %d %b %Y %H:%M:%S %z")
    return int(newest["id"]), created.astimezone(CHICAGO).date()


def policy(holiday: date | None = None) -> ExceptionPolicy:
    raw = {
        "calendar": {"weekend": ["sat", "sun"], "holidays": {"*": [holiday] if holiday else []}},
        "promises": {"default_days": 2},
        "delays": {"statuses": list(WAITING), "extension_days": 3},
    }
    return ExceptionPolicy.model_validate(raw)


def sweep(rules: ExceptionPolicy, today: date) -> tuple[list[Delay], list[WebhookEvent]]:
    """Run the sweep at 10:00 store time on ``today`` against the simulator over HTTP (ASGI)."""
    events: list[WebhookEvent] = []

    async def emit(event: WebhookEvent) -> None:
        events.append(event)

    async def go() -> list[Delay]:
        transport = httpx.ASGITransport(app=create_app(CONFIG))
        async with BigCommerceClient(client_settings(), transport=transport, sleep=no_sleep) as client:
            now = datetime.combine(today, time(10), tzinfo=CHICAGO).astimezone(UTC)
            return await sweep_delayed_orders(client, STORE, rules, now, emit)

    return asyncio.run(go()), events


def business_days_after(start: date, days: int, holiday: date | None = None) -> date:
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < 5 and current != holiday:
            days -= 1
    return current


class TestDelayedOrdersSweep:
    def test_not_late_on_the_promised_day_late_the_next_business_day(self) -> None:
        """On the promised day the order is not late; on the next business day it has delay 1."""
        order_id, placed = newest_waiting()
        promised = business_days_after(placed, 2)
        on_time, _ = sweep(policy(), promised)
        assert order_id not in {d.order_id for d in on_time}
        late, events = sweep(policy(), business_days_after(promised, 1))
        (delay,) = [d for d in late if d.order_id == order_id]
        assert (delay.number, delay.promised) == (1, promised)
        (event,) = [e for e in events if e.resource_id == str(order_id)]
        assert event.scope == DELAYED_ORDER_SCOPE
        assert event.event_id == f"sweep:delayed:{STORE}:{order_id}:1"
        assert json.loads(event.data_json)["delay"] == 1

    def test_a_holiday_is_not_a_business_day(self) -> None:
        """A holiday right after the promise does not count: the order is late only the day after it."""
        order_id, placed = newest_waiting()
        promised = business_days_after(placed, 2)
        holiday = business_days_after(promised, 1)
        on_holiday, _ = sweep(policy(holiday), holiday)
        assert order_id not in {d.order_id for d in on_holiday}
        after, _ = sweep(policy(holiday), business_days_after(promised, 1, holiday))
        assert [d.number for d in after if d.order_id == order_id] == [1]

    def test_second_delay_after_the_extension_and_same_day_reruns_repeat_the_same_events(self) -> None:
        """Past the first extension the order has delay 2; a rerun the same day gives identical event ids."""
        order_id, placed = newest_waiting()
        promised = business_days_after(placed, 2)
        day = business_days_after(promised, 4)
        first, events = sweep(policy(), day)
        again, events_again = sweep(policy(), day)
        assert [d.number for d in first if d.order_id == order_id] == [2]
        assert [e.event_id for e in events] == [e.event_id for e in events_again]
        assert first == again
        assert all(d.number >= 1 for d in first)

    def test_the_shipped_policy_loads(self) -> None:
        """The packaged policy validates and names the waiting statuses."""
        assert load_policy().delays.statuses == frozenset(WAITING)
