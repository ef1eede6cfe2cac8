"""Returns and refunds → the returns consumer → Exstream simulator, through a real broker and registry.

Returns go onto a returns topic as the intake publishes them, refund snapshots onto a refunds topic as the
enricher does. Every record is delivered twice, the first half before a consumer restart and everything
again after it; one return's rejection is produced before its request (reordered). Every expected
document must exist exactly once per idempotency key, nothing else, and the label's PDF as stored must
carry barcodes a reader decodes back to the RMA. It runs the shipped default rules, unmodified.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from confluent_kafka import Producer

from bcx.contracts.codecs import codec_for
from bcx.contracts.commerce_refunds import TOPIC as REFUNDS_TOPIC
from bcx.contracts.commerce_refunds import RefundSnapshotRecord
from bcx.contracts.commerce_returns import TOPIC as RETURNS_TOPIC
from bcx.contracts.commerce_returns import Resolution, ReturnRecord, ReturnState
from bcx.contracts.document_result import TOPIC as RESULTS_TOPIC
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec
from bcx.settings import KafkaSettings, RegistrySettings
from consumers.returns.app import build
from consumers.returns.settings import ReturnsConfig, ReturnsSettings
from consumers.runtime import Services, UseCase
from consumers.runtime.ledger import exstream_reference
from routing import default_rules_path
from simulators.exstream.config import SimulatorConfig as ExstreamSimulatorConfig
from simulators.exstream.server import running_simulator
from tests.conftest import NewTopic
from tests.consumers.returns.factories import STORE, WAREHOUSE, a_refund, a_return
from tests.consumers.support import (
    RunningConsumer,
    consume_settings,
    create_group_topics,
    exstream_settings,
    wait_drained,
)
from tests.support.pdf import stored_pdf

pytestmark = pytest.mark.integration


def key(entity: str, entity_id: str, document: str, version: str = "1") -> str:
    return f"returns:{STORE}:{entity}:{entity_id}:{document}:{version}"


def scenario() -> tuple[
    list[ReturnRecord | RefundSnapshotRecord], list[ReturnRecord | RefundSnapshotRecord], set[str]
]:
    """(first half, second half, the expected idempotency keys)."""
    eligible = a_return("R-ok")
    exchange = a_return("R-exchange", resolution=Resolution.EXCHANGE)
    refused = a_return("R-perishable", category="perishables")
    late = a_return("R-late", category="electronics", days=40)
    inspected = a_return("R-inspected")
    inspected_rejected = a_return(
        "R-inspected", state=ReturnState.REJECTED, minutes=60, rejection_reason="Signs of wear."
    )
    reordered_rejected = a_return(
        "R-reordered", state=ReturnState.REJECTED, minutes=60, rejection_reason="No."
    )
    reordered_request = a_return("R-reordered")
    refunds = [a_refund(5001, "19.99"), a_refund(5002, "5.00")]
    first: list[ReturnRecord | RefundSnapshotRecord] = [eligible, refused, inspected, refunds[0]]
    second: list[ReturnRecord | RefundSnapshotRecord] = [
        exchange,
        late,
        inspected_rejected,
        reordered_rejected,
        reordered_request,
        refunds[1],
    ]
    expected = {
        key("return", "R-ok", "return_authorisation"),
        key("return", "R-ok", "return_label"),
        key("return", "R-exchange", "return_authorisation"),
        key("return", "R-exchange", "return_label"),
        key("return", "R-exchange", "exchange_instructions"),
        key("return", "R-perishable", "return_refusal"),
        key("return", "R-late", "return_refusal"),
        key("return", "R-inspected", "return_authorisation"),
        key("return", "R-inspected", "return_label"),
        key("return", "R-inspected", "return_refusal"),
        key("return", "R-reordered", "return_refusal"),
        key("order", "100", "refund_confirmation", "5001"),
        key("order", "100", "refund_confirmation", "5002"),
    }
    return first, second, expected


class Flow:
    def __init__(
        self,
        kafka: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        new_topic: NewTopic,
        base_url: str,
        tmp: Path,
    ) -> None:
        self.kafka = kafka
        self.returns_topic = new_topic("commerce.returns", partitions=2)
        self.refunds_topic = new_topic("commerce.refunds", partitions=2)
        self.group = f"bcx-returns-{uuid.uuid4().hex[:8]}"
        self.storage_root = tmp / "documents"
        create_group_topics(kafka, self.group, partitions=1)
        TopicAdmin(kafka.client_config()).create([TopicSpec(RESULTS_TOPIC, 3, 1, {})])
        self.settings = consume_settings(
            kafka,
            registry_settings,
            group=self.group,
            topics=[self.returns_topic, self.refunds_topic],
            exstream=exstream_settings(base_url),
            storage_root=self.storage_root,
            retry_topic_rounds=0,
        )
        self.returns_codec = codec_for(ReturnRecord, RETURNS_TOPIC, registry)
        self.refunds_codec = codec_for(RefundSnapshotRecord, REFUNDS_TOPIC, registry)
        self.producer = Producer(kafka.client_config())

    def factory(self, services: Services) -> UseCase[Any]:
        config = ReturnsConfig(rules_path=default_rules_path(), return_address=WAREHOUSE)
        return build(services, ReturnsSettings(returns=config))

    def start(self) -> RunningConsumer:
        return RunningConsumer("returns", self.factory, self.settings)

    def send(self, records: list[ReturnRecord | RefundSnapshotRecord]) -> None:
        for record in records:
            for _ in range(2):  # every record twice: a producer's retry
                if isinstance(record, ReturnRecord):
                    self.producer.produce(
                        self.returns_topic, self.returns_codec.encode(record), key=record.key
                    )
                else:
                    self.producer.produce(
                        self.refunds_topic, self.refunds_codec.encode(record), key=record.key
                    )
        assert self.producer.flush(30) == 0

    def drained(self) -> None:
        wait_drained(self.kafka, self.group, self.returns_topic)
        wait_drained(self.kafka, self.group, self.refunds_topic)

    def pdf(self, idempotency_key: str) -> bytes:
        return stored_pdf(self.storage_root, idempotency_key)


class TestReturnsEndToEnd:
    def test_one_document_per_key_through_duplicates_reordering_and_a_restart(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        new_topic: NewTopic,
        tmp_path: Path,
    ) -> None:
        """Each return and refund ends with exactly its documents (RMA letter, label, exchange
        instructions, refusals, one confirmation per partial refund), each once, and the stored label's
        barcodes decode to the RMA."""
        first, second, expected = scenario()
        with running_simulator(ExstreamSimulatorConfig(port=0, outbox=tmp_path / "outbox")) as exstream:
            flow = Flow(kafka_settings, registry_settings, registry, new_topic, exstream.base_url, tmp_path)
            flow.send(first)
            consumer = flow.start()
            flow.drained()
            assert consumer.stop() == 0  # a restart in the middle
            consumer = flow.start()
            flow.send(second + first)  # the first half again, after the restart
            flow.drained()
            assert consumer.stop() == 0

            simulator = exstream.simulator
            counts = {k: simulator.count_for(exstream_reference(k)) for k in expected}
            assert {k: n for k, n in counts.items() if n != 1} == {}
            assert len(simulator.documents()) == len(expected)

            label = flow.pdf(key("return", "R-ok", "return_label"))
        page = pypdfium2.PdfDocument(label)[0]
        found = {r.text for r in zxingcpp.read_barcodes(page.render(scale=200 / 72).to_pil())}
        assert found == {a_return("R-ok").rma()}
