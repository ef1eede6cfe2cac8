"""An order-documents world for the preview and re-issue tests: a real broker topic of order snapshots,
both simulators, and the flow's own ``build``."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from confluent_kafka import Producer

from bcx.bigcommerce.models import OrderSnapshot
from bcx.contracts import commerce_orders
from bcx.contracts.codecs import codec_for
from bcx.contracts.commerce_common import Trigger
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.exstream.client import ExstreamClient
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.preview import Previewed, latest_snapshot, preview
from consumers.order_documents.app import build
from consumers.order_documents.flow import FLOW
from consumers.order_documents.settings import OrderDocumentsConfig, OrderDocumentsSettings
from consumers.runtime import Services, UseCase
from producers.enricher.mapping import Envelope, order_record
from routing import default_rules_path
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.server import RunningSimulator, start_simulator
from simulators.bigcommerce.state import StoreState
from simulators.exstream.config import SimulatorConfig as ExstreamSimulatorConfig
from simulators.exstream.server import RunningSimulator as RunningExstream
from simulators.exstream.server import running_simulator
from tests.conftest import NewTopic
from tests.consumers.support import consume_settings, exstream_settings
from tests.producers.enricher.support import STORE

SIM = SimulatorConfig(orders=20, seed=42)
NOW = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)


def snapshot(order_id: int, status_id: int | None = None) -> OrderSnapshotRecord:
    """The enricher's snapshot of a simulated order (optionally with an older status)."""
    record = StoreState(SIM, STORE, lambda: NOW).order_record(order_id)
    assert record is not None
    if status_id is not None:
        record = {**record, "order": {**record["order"], "status_id": status_id}}
    order = OrderSnapshot.model_validate(record)
    event = Trigger(
        event_id=f"evt-{uuid.uuid4().hex[:6]}",
        scope="store/order/statusUpdated",
        resource_type="order",
        resource_id=str(order_id),
        created_at=NOW,
        previous_status_id=1,
        new_status_id=order.order.status_id,
        data_json="{}",
    )
    return cast(
        OrderSnapshotRecord, order_record(Envelope(STORE, "order", str(order_id), NOW, event, "t"), order)
    )


@dataclass
class World:
    kafka: KafkaSettings
    registry_settings: RegistrySettings
    registry: Any
    topic: str
    bigcommerce: RunningSimulator
    exstream: RunningExstream
    outbox: Path

    def publish(self, *records: OrderSnapshotRecord) -> None:
        codec = codec_for(OrderSnapshotRecord, commerce_orders.TOPIC, self.registry)
        producer = Producer(self.kafka.client_config())
        for record in records:
            producer.produce(self.topic, codec.encode(record), key=record.key.encode())
        assert producer.flush(30) == 0

    def factory(self, services: Services) -> UseCase[Any]:
        return build(
            services,
            OrderDocumentsSettings(order_documents=OrderDocumentsConfig(rules_path=default_rules_path())),
        )

    def preview(self, order_id: int, out: Path) -> list[Previewed]:
        record = latest_snapshot(self.kafka.client_config(), self.topic, f"{STORE}:order:{order_id}")
        assert record is not None
        settings = consume_settings(
            self.kafka,
            self.registry_settings,
            group="unused",
            topics=[self.topic],
            exstream=exstream_settings(self.exstream.base_url),
        )

        async def run() -> list[Previewed]:
            client = ExstreamClient(settings.exstream)
            try:
                return await preview(
                    FLOW,
                    self.factory,
                    record,
                    settings=settings,
                    registry=self.registry,
                    exstream=client,
                    out=out,
                )
            finally:
                await client.aclose()

        return asyncio.run(run())


@contextmanager
def make_world(
    kafka_settings: KafkaSettings,
    registry_settings: RegistrySettings,
    registry: Any,
    new_topic: NewTopic,
    tmp_path: Path,
) -> Iterator[World]:
    outbox = tmp_path / "outbox"
    with (
        start_simulator(SIM) as bigcommerce,
        running_simulator(ExstreamSimulatorConfig(port=0, outbox=outbox)) as exstream,
    ):
        yield World(
            kafka_settings, registry_settings, registry, new_topic("orders"), bigcommerce, exstream, outbox
        )
