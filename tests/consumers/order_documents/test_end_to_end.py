"""Webhook events → enricher → order-documents consumer → Exstream simulator, through a real broker.

The BigCommerce simulator's store holds orders of every status (orders 1..15 have statuses 0..14). Raw
webhook events go onto the enricher's input topic (as the bridge publishes them) — shuffled, each status
event delivered twice — in two halves; the order-documents consumer is stopped after the first half and a
new one started with the same group, and the first half is delivered again as fresh events. Every eligible
order must end with exactly one confirmation, invoice and receipt, incomplete/declined ones with none, and
the stored PDFs must hold each order's real data. The first consumer starts only once the enricher is done,
and the BigCommerce simulator must count no request while it makes its documents: the snapshots carry
the store and the customer.
It runs the shipped default rules, unmodified.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from bcx.settings import KafkaSettings, RegistrySettings
from consumers.order_documents.app import build
from consumers.order_documents.settings import OrderDocumentsConfig, OrderDocumentsSettings
from consumers.runtime import Services, UseCase
from consumers.runtime.ledger import exstream_reference
from routing import default_rules_path
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
from tests.producers.enricher.support import STORE
from tests.support.pdf import pdf_text, stored_pdf

pytestmark = pytest.mark.integration

ORDERS = 40
SIM = SimulatorConfig(orders=ORDERS, seed=42)
CONFIRMED = frozenset({2, 3, 8, 9, 10, 11})
PAYMENT_EVENTS = frozenset({"purchase", "capture", "settled"})


def expected_keys() -> dict[int, set[str]]:
    """Per order, the documents the store's data calls for (stated from the data, not from the code)."""
    state = StoreState(SIM, STORE, lambda: datetime.now(UTC))
    expected: dict[int, set[str]] = {}
    for order_id in range(1, ORDERS + 1):
        record = state.order_record(order_id)
        assert record is not None
        order, keys = record["order"], set()
        prefix = f"order_documents:{STORE}:order:{order_id}"
        if order["status_id"] in CONFIRMED:
            keys.add(f"{prefix}:order_confirmation:1")
        if order["payment_status"] in ("captured", "paid") and order["status_id"] not in (0, 1, 5, 6):
            keys.add(f"{prefix}:order_invoice:1")
        for tx in record["transactions"]:
            if tx["status"] == "ok" and tx["event"] in PAYMENT_EVENTS:
                keys.add(f"{prefix}:payment_receipt:{tx['id']}")
        expected[order_id] = keys
    return expected


def webhook_events(order_ids: list[int], rng: random.Random) -> list[Any]:
    state = StoreState(SIM, STORE, lambda: datetime.now(UTC))
    events = []
    for order_id in order_ids:
        record = state.order_record(order_id)
        assert record is not None
        status = record["order"]["status_id"]
        events.append(event("store/order/created", {"type": "order", "id": order_id}))
        transition = {"previous_status_id": 0, "new_status_id": status}
        updated = event("store/order/statusUpdated", {"type": "order", "id": order_id, "status": transition})
        events += [updated, updated]  # a redelivery: the same event id twice
    rng.shuffle(events)
    return events


class Pipeline:
    def __init__(
        self, enricher: Running, exstream: RunningExstream, bigcommerce: RunningSimulator, tmp: Path
    ) -> None:
        self.enricher = enricher
        self.exstream = exstream
        self.orders_topic = enricher.topics["order"]
        self.storage_root = tmp / "documents"
        self.group, self.settings = flow_settings(
            enricher.kafka,
            enricher.settings.registry,
            name="order-documents",
            topics=[self.orders_topic],
            exstream_url=exstream.base_url,
            storage_root=self.storage_root,
        )
        self.bigcommerce = bigcommerce
        self.use_case_settings = OrderDocumentsSettings(
            order_documents=OrderDocumentsConfig(rules_path=default_rules_path()),
        )

    def factory(self, services: Services) -> UseCase[Any]:
        return build(services, self.use_case_settings)

    def start(self) -> RunningConsumer:
        return RunningConsumer("order-documents", self.factory, self.settings)

    def enrich(self, events: list[Any]) -> None:
        self.enricher.send(events)
        wait_drained(self.enricher.kafka, self.enricher.settings.group, self.enricher.input_topic)

    def documents_done(self) -> None:
        wait_drained(self.enricher.kafka, self.group, self.orders_topic)

    def deliver(self, events: list[Any]) -> None:
        self.enrich(events)
        self.documents_done()

    def bigcommerce_requests(self) -> int:
        """Every request the BigCommerce simulator answered so far (its own counters)."""
        stats = httpx.get(f"{self.bigcommerce.base_url}/_sim/stats", timeout=10).json()
        return sum(int(store["requests"]) + int(store["rate_limited"]) for store in stats["stores"].values())

    def pdf_text(self, key: str) -> str:
        return pdf_text(stored_pdf(self.storage_root, key))


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


class TestOrderDocumentsEndToEnd:
    def test_exactly_once_documents_through_restart_duplicates_and_reordering(
        self, pipeline: Pipeline
    ) -> None:
        """Eligible orders get one confirmation, invoice, receipt each, others none; PDFs show real data."""
        rng = random.Random(6)
        order_ids = list(range(1, ORDERS + 1))
        first, second = order_ids[: ORDERS // 2], order_ids[ORDERS // 2 :]

        pipeline.enrich(webhook_events(first, rng))
        requests = pipeline.bigcommerce_requests()
        assert requests > 0  # the enricher's reads are counted
        consumer = pipeline.start()
        pipeline.documents_done()
        assert pipeline.bigcommerce_requests() == requests  # order documents called no BigCommerce API
        assert consumer.stop() == 0  # a restart in the middle
        consumer = pipeline.start()
        pipeline.deliver(webhook_events(second, rng) + webhook_events(first, rng))  # replays as new events
        assert consumer.stop() == 0

        expected = expected_keys()
        simulator = pipeline.exstream.simulator
        counts = {
            key: simulator.count_for(exstream_reference(key)) for keys in expected.values() for key in keys
        }
        assert {key: n for key, n in counts.items() if n != 1} == {}
        assert len(simulator.documents()) == sum(len(keys) for keys in expected.values())
        for status in (0, 1, 5, 6, 7):  # incomplete, pending, cancelled, declined, awaiting payment
            assert expected[status + 1] == set()
        assert any(any(":payment_receipt:" in k for k in keys) for keys in expected.values())

        state = StoreState(SIM, STORE, lambda: datetime.now(UTC))
        for order_id in (3, 11, 12):
            record = state.order_record(order_id)
            assert record is not None
            order = record["order"]
            for key in expected[order_id]:
                text = pipeline.pdf_text(key)
                assert order["billing_address"]["last_name"] in text, key
                assert order["billing_address"]["street_1"] in text, key
                # the total in any locale's separators (the document's locale is the customer's)
                total = Decimal(order["total_inc_tax"]).quantize(Decimal("0.01"))
                digits = re.sub(r"[\s.,\u00a0’]", "", text)
                assert f"{total:f}".replace(".", "") in digits, key
                for line in record["products"]:
                    assert line["name"] in text, key
