"""Webhook events and delay sweeps → enricher → order-exceptions consumer → Exstream simulator, through a real
broker.

The BigCommerce simulator's store holds orders of every status (orders 1..15 have statuses 0..14). Status
events go onto the enricher's input topic shuffled, each delivered twice, in two halves; the consumer is
restarted after the first half, which is then replayed as fresh events. Then an order waiting to ship is
split twice through the simulator's API (each shipment announced by its webhook event, delivered twice)
and completed; then `bcx sweep delayed-orders` runs twice at one controlled moment and once four business
days later. Every exception state must end with exactly one notice and every other order with none; the
PDFs must show the order, the exception and, for a split, the tracking number. Default rules and policy.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.webhook_event import WebhookEvent
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.cli.sweep_cmd import SweepSettings, run_sweep
from consumers.order_exceptions.app import build
from consumers.order_exceptions.policy import load_policy
from consumers.order_exceptions.settings import OrderExceptionsSettings
from consumers.order_exceptions.sweep import Delay, sweep_delayed_orders
from consumers.runtime import Services, UseCase
from consumers.runtime.ledger import exstream_reference
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.server import RunningSimulator, start_simulator
from simulators.bigcommerce.state import StoreState
from simulators.exstream.config import SimulatorConfig as ExstreamSimulatorConfig
from simulators.exstream.server import RunningSimulator as RunningExstream
from simulators.exstream.server import running_simulator
from tests.consumers.support import (
    RunningConsumer,
    flow_settings,
    wait_drained,
)
from tests.producers.enricher.events import event
from tests.producers.enricher.running import Running, running_enricher
from tests.producers.enricher.support import DEV_TOKEN, STORE, client_settings
from tests.support.pdf import pdf_text, stored_pdf

pytestmark = pytest.mark.integration

ORDERS = 40
SIM = SimulatorConfig(orders=ORDERS, seed=42)
STATUS_NOTICES = {5: "cancellation_notice", 6: "payment_declined_notice", 12: "order_on_hold_notice"}
STATUS_NOTICES[13] = "dispute_notice"
#: the sweep's controlled clock: two weeks after the simulated store's last order
SWEEP_AT = datetime(2026, 1, 14, 16, 0, tzinfo=UTC)


def key(order_id: int, document: str, state: str) -> str:
    return f"order_exceptions:{STORE}:order:{order_id}:{document}:{state}"


def store_state() -> StoreState:
    return StoreState(SIM, STORE, lambda: datetime.now(UTC))


def expected_from_data() -> set[str]:
    """The notices the generated orders call for (stated from the data, not from the code)."""
    keys: set[str] = set()
    state = store_state()
    for order_id in range(1, ORDERS + 1):
        record = state.order_record(order_id)
        assert record is not None
        status = record["order"]["status_id"]
        if status in STATUS_NOTICES:
            keys.add(key(order_id, STATUS_NOTICES[status], "1"))
            continue
        shipments = sorted(s["id"] for s in record["shipments"])
        unshipped = [
            p for p in record["products"] if p["type"] != "digital" and p["quantity_shipped"] < p["quantity"]
        ]
        if shipments and unshipped:
            keys.add(key(order_id, "partial_shipment_notice", "+".join(map(str, shipments))))
        elif status == 3 and not shipments:
            keys.add(key(order_id, "partial_shipment_notice", "status-3"))
    return keys


def status_events(order_ids: list[int], rng: random.Random) -> list[WebhookEvent]:
    state = store_state()
    events = []
    for order_id in order_ids:
        record = state.order_record(order_id)
        assert record is not None
        status = record["order"]["status_id"]
        transition = {"previous_status_id": 1 if status == 11 else 11, "new_status_id": status}
        updated = event("store/order/statusUpdated", {"type": "order", "id": order_id, "status": transition})
        events += [event("store/order/created", {"type": "order", "id": order_id}), updated, updated]
    rng.shuffle(events)
    return events


def splittable() -> tuple[int, list[tuple[int, int]], int]:
    """An order waiting to ship with at least three units: its id, its units ``(line, 1)``, its address."""
    state = store_state()
    for order_id in range(1, ORDERS + 1):
        record = state.order_record(order_id)
        assert record is not None
        if record["order"]["status_id"] not in (9, 11):
            continue
        units = [
            (p["id"], 1) for p in record["products"] if p["type"] != "digital" for _ in range(p["quantity"])
        ]
        if len(units) >= 3:
            return order_id, units, record["shipping_addresses"][0]["id"]
    raise AssertionError("no order to split")


class Pipeline:
    def __init__(
        self, enricher: Running, exstream: RunningExstream, bigcommerce: RunningSimulator, tmp: Path
    ) -> None:
        self.enricher = enricher
        self.exstream = exstream
        self.bigcommerce = bigcommerce
        self.orders_topic = enricher.topics["order"]
        self.storage_root = tmp / "documents"
        self.group, self.settings = flow_settings(
            enricher.kafka,
            enricher.settings.registry,
            name="order-exceptions",
            topics=[self.orders_topic],
            exstream_url=exstream.base_url,
            storage_root=self.storage_root,
        )

    def factory(self, services: Services) -> UseCase[Any]:
        return build(services, OrderExceptionsSettings())

    def start(self) -> RunningConsumer:
        return RunningConsumer("order-exceptions", self.factory, self.settings)

    def deliver(self, events: list[WebhookEvent]) -> None:
        self.enricher.send(events)
        wait_drained(self.enricher.kafka, self.enricher.settings.group, self.enricher.input_topic)
        wait_drained(self.enricher.kafka, self.group, self.orders_topic)

    def ship(self, order_id: int, address_id: int, units: list[tuple[int, int]], tracking: str) -> int:
        """Ship ``units`` through the simulator's API; deliver the shipment's webhook event twice."""
        response = httpx.post(
            f"{self.bigcommerce.base_url}/stores/{STORE}/v2/orders/{order_id}/shipments",
            headers={"X-Auth-Token": DEV_TOKEN, "Accept": "application/json"},
            json={
                "order_address_id": address_id,
                "tracking_number": tracking,
                "tracking_carrier": "ups",
                "items": [{"order_product_id": line, "quantity": qty} for line, qty in units],
            },
            timeout=10,
        )
        assert response.status_code == 201, response.text
        shipment_id = int(response.json()["id"])
        created = event(
            "store/shipment/created", {"type": "shipment", "id": shipment_id, "orderId": order_id}
        )
        self.deliver([created, created])
        return shipment_id

    def sweep_settings(self) -> SweepSettings:
        return SweepSettings(
            kafka=self.enricher.kafka,
            registry=self.enricher.settings.registry,
            bigcommerce=client_settings(self.bigcommerce.base_url),
            input_topic=self.enricher.input_topic,
        )

    def sweep(self, now: datetime) -> list[Delay]:
        """`bcx sweep delayed-orders` as the CronJob runs it, then what it found (read again, unpublished)."""
        published = asyncio.run(run_sweep(self.sweep_settings(), STORE, now, registry=self.enricher.registry))
        wait_drained(self.enricher.kafka, self.enricher.settings.group, self.enricher.input_topic)
        wait_drained(self.enricher.kafka, self.group, self.orders_topic)

        async def found() -> list[Delay]:
            async def ignore(_event: WebhookEvent) -> None:
                return None

            async with BigCommerceClient(client_settings(self.bigcommerce.base_url)) as client:
                return await sweep_delayed_orders(client, STORE, load_policy(), now, ignore)

        delays = asyncio.run(found())
        assert published == len(delays)
        return delays

    def pdf_text(self, idempotency_key: str) -> str:
        return pdf_text(stored_pdf(self.storage_root, idempotency_key))


@pytest.fixture
def pipeline(
    kafka_settings: KafkaSettings,
    registry_settings: RegistrySettings,
    registry: Any,
    new_topic: Any,
    tmp_path: Path,
) -> Iterator[Pipeline]:
    with (
        start_simulator(SIM) as bigcommerce,
        running_simulator(ExstreamSimulatorConfig(port=0, outbox=tmp_path / "outbox")) as exstream,
        running_enricher(bigcommerce, kafka_settings, registry_settings, registry, new_topic) as enricher,
    ):
        yield Pipeline(enricher, exstream, bigcommerce, tmp_path)


class TestOrderExceptionsEndToEnd:
    def test_one_notice_per_exception_state_through_restart_duplicates_reordering_and_sweeps(
        self, pipeline: Pipeline
    ) -> None:
        """Each exception state gets one notice, other orders none; a new split or delay is a new state."""
        rng = random.Random(12)
        order_ids = list(range(1, ORDERS + 1))
        first, second = order_ids[: ORDERS // 2], order_ids[ORDERS // 2 :]
        expected = expected_from_data()
        split_order, units, address = splittable()

        consumer = pipeline.start()
        pipeline.deliver(status_events(first, rng))
        assert consumer.stop() == 0  # a restart in the middle
        consumer = pipeline.start()
        pipeline.deliver(status_events(second, rng) + status_events(first, rng))

        one = pipeline.ship(split_order, address, units[:1], "1ZSPLIT1")
        two = pipeline.ship(split_order, address, units[1:2], "1ZSPLIT2")
        pipeline.ship(split_order, address, units[2:], "1ZSPLIT3")  # completes the order: no notice
        expected |= {
            key(split_order, "partial_shipment_notice", str(one)),
            key(split_order, "partial_shipment_notice", f"{one}+{two}"),
        }

        delays = pipeline.sweep(SWEEP_AT)
        assert pipeline.sweep(SWEEP_AT) == delays  # the same moment: the same events, absorbed
        later = pipeline.sweep(SWEEP_AT + timedelta(days=6))  # four business days later
        assert consumer.stop() == 0
        assert delays, "the simulated store has orders waiting to ship"
        assert split_order not in {d.order_id for d in delays}
        assert {d.order_id: d.number for d in later} != {d.order_id: d.number for d in delays}
        expected |= {key(d.order_id, "order_delay_notice", str(d.number)) for d in [*delays, *later]}

        simulator = pipeline.exstream.simulator
        counts = {k: simulator.count_for(exstream_reference(k)) for k in expected}
        assert {k: n for k, n in counts.items() if n != 1} == {}
        assert len(simulator.documents()) == len(expected)  # and nothing for orders without an exception
        assert any(":cancellation_notice:" in k for k in expected)
        assert any(":partial_shipment_notice:" in k and "+" not in k for k in expected)

        cancelled = next(k for k in expected if ":cancellation_notice:" in k)
        assert "Your order has been cancelled" in pipeline.pdf_text(cancelled)
        split_text = pipeline.pdf_text(key(split_order, "partial_shipment_notice", f"{one}+{two}"))
        assert "1ZSPLIT1" in split_text
        assert "1ZSPLIT2" in split_text
        assert "Still to come" in split_text
        delay = delays[0]
        delay_text = pipeline.pdf_text(key(delay.order_id, "order_delay_notice", str(delay.number)))
        assert "Your order is delayed" in delay_text
        assert f"Order number {delay.order_id}" in delay_text.replace("\n", " ")
