"""Document and result-publishing metrics: the document step against the Exstream simulator over HTTP,
with the in-memory ledger and a producer that acknowledges (or refuses) without a broker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from prometheus_client import CollectorRegistry

from bcx.avro.errors import SchemaRegistryError, SerializationError
from bcx.contracts.codecs import document_result_codec
from bcx.contracts.ledger_entry import LedgerEntry
from bcx.exstream.client import ExstreamClient
from bcx.exstream.metrics import ExstreamMetrics
from bcx.exstream.storage.filesystem import FilesystemStorage
from bcx.kafka.errors import ProduceError, ProducerQueueFull
from bcx.kafka.producer import Delivered, KafkaProducer
from consumers.runtime.document_step import DocumentStep
from consumers.runtime.ledger_store import MemoryLedger
from consumers.runtime.metrics import DocumentMetrics
from consumers.runtime.results import ResultPublisher, publish_failure_reason
from consumers.stream.errors import PermanentError, RetryableError
from consumers.stream.processor import RecordContext
from consumers.stream.records import SourceRecord
from simulators.exstream import RunningSimulator, SimulatorConfig, running_simulator
from tests.consumers.support import exstream_settings
from tests.consumers.usecase import USE_CASE, OrderDocument


def new_ctx() -> RecordContext:
    return RecordContext(SourceRecord("orders", 0, 7, b"k", b"v"), 1, "bcx-test-documents")


class AckingProducer:
    """Stands in for KafkaProducer.send: acknowledges every record, or raises ``failure``."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.failure: Exception | None = None

    async def send(self, topic: str, value: bytes | None, key: bytes | str | None = None) -> Delivered:
        if self.failure is not None:
            raise self.failure
        self.sent.append(topic)
        return Delivered(topic, 0, len(self.sent) - 1)


class FailingLedger(MemoryLedger):
    """A ledger whose writes Kafka does not acknowledge."""

    async def put(self, entry: LedgerEntry) -> None:
        raise ProduceError("delivery failed: Local: Message timed out", retriable=True, code="_MSG_TIMED_OUT")


class Harness:
    def __init__(self, sim: RunningSimulator, tmp: Path, mock_registry: Any, ledger: MemoryLedger) -> None:
        self.registry = CollectorRegistry()
        self.metrics = DocumentMetrics(self.registry, "bcx-test-documents")
        self.producer = AckingProducer()
        self.results = ResultPublisher(
            cast(KafkaProducer, self.producer), document_result_codec(mock_registry), metrics=self.metrics
        )
        self.exstream = ExstreamClient(
            exstream_settings(sim.base_url), metrics=ExstreamMetrics(self.registry)
        )
        self.ctx = new_ctx()
        self.step = DocumentStep(
            use_case=USE_CASE,
            exstream=self.exstream,
            storage=FilesystemStorage(tmp / "documents"),
            ledger=ledger,
            results=self.results,
            owner="test",
            producer_version="0.0.0",
            metrics=self.metrics,
        )

    async def order(self, order_id: str, **value: Any) -> None:
        self.ctx = new_ctx()
        await OrderDocument(self.step).process({"store": "s1", "order_id": order_id, **value}, self.ctx)

    def documents(self, channel: str, outcome: str, document_type: str = "invoice") -> float:
        labels = {
            "use_case": USE_CASE,
            "document_type": document_type,
            "channel": channel,
            "outcome": outcome,
        }
        return self.registry.get_sample_value("bcx_documents_total", labels) or 0.0

    def failures(self, target: str, reason: str) -> float:
        labels = {"use_case": USE_CASE, "target": target, "reason": reason}
        return self.registry.get_sample_value("bcx_results_publish_failures_total", labels) or 0.0

    def total(self, name: str) -> float:
        return sum(s.value for metric in self.registry.collect() for s in metric.samples if s.name == name)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    with running_simulator(SimulatorConfig(port=0, seed=5, outbox=tmp_path / "outbox")) as running:
        yield running


@pytest.fixture
async def harness(sim: RunningSimulator, tmp_path: Path, mock_registry: Any) -> AsyncIterator[Harness]:
    h = Harness(sim, tmp_path, mock_registry, MemoryLedger())
    yield h
    await h.exstream.aclose()


class TestDocumentsByChannel:
    async def test_each_acknowledged_result_counts_by_channel_and_outcome(self, harness: Harness) -> None:
        """One document delivered on e-mail, print and archive counts GENERATED once (channel none) and
        DELIVERED once per channel, and the Exstream calls behind it are observed by status."""
        await harness.order("1", channels=["email", "print", "archive"])
        assert harness.documents("none", "GENERATED") == 1
        assert harness.documents("EMAIL", "DELIVERED") == 1
        assert harness.documents("PRINT", "DELIVERED") == 1
        assert harness.documents("ARCHIVE", "DELIVERED") == 1
        assert harness.total("bcx_documents_total") == 4 == len(harness.producer.sent)
        duration = "bcx_exstream_request_duration_seconds_count"
        assert harness.registry.get_sample_value(duration, {"operation": "generate", "status": "2xx"}) == 1

    async def test_a_failed_delivery_counts_failed_on_its_channel(self, harness: Harness) -> None:
        """E-mail without a recipient address fails on that channel while the document was generated."""
        await harness.order("2", channels=["email"], email=None)
        assert harness.documents("none", "GENERATED") == 1
        assert harness.documents("EMAIL", "FAILED") == 1
        assert harness.documents("EMAIL", "DELIVERED") == 0

    async def test_a_duplicate_publishes_and_counts_nothing_more(self, harness: Harness) -> None:
        """The ledger skips a document already delivered, so its counts stay where they were."""
        await harness.order("3", channels=["email"])
        await harness.order("3", channels=["email"])
        assert harness.documents("EMAIL", "DELIVERED") == 1
        assert harness.total("bcx_documents_total") == 2

    async def test_a_given_up_record_counts_failed_without_channel(self, harness: Harness) -> None:
        """The FAILED result a rejected request registers (published by the runtime when it gives the record
        up) counts with channel none."""
        with pytest.raises(PermanentError):
            await harness.order("4", communication_id="")
        assert harness.total("bcx_documents_total") == 0
        for hook in harness.ctx.give_up_hooks:
            await hook()
        assert harness.documents("none", "FAILED") == 1


class TestPublishFailures:
    async def test_an_unacknowledged_result_counts_a_failure_and_no_document(self, harness: Harness) -> None:
        """Kafka timing out a result event counts target=result with librdkafka's reason; nothing is
        counted as a document, and the record is retried."""
        harness.producer.failure = ProduceError(
            "Local: Message timed out", retriable=True, code="_MSG_TIMED_OUT"
        )
        with pytest.raises(RetryableError) as info:
            await harness.order("5", channels=["email"])
        assert info.value.error_class == "kafka.produce"
        assert harness.failures("result", "msg_timed_out") == 1
        assert harness.total("bcx_documents_total") == 0

    async def test_an_unacknowledged_ledger_entry_counts_a_ledger_failure(
        self, sim: RunningSimulator, tmp_path: Path, mock_registry: Any
    ) -> None:
        """A ledger write Kafka does not acknowledge counts target=ledger before Exstream is called."""
        harness = Harness(sim, tmp_path, mock_registry, FailingLedger())
        try:
            with pytest.raises(RetryableError):
                await harness.order("6", channels=["email"])
        finally:
            await harness.exstream.aclose()
        assert harness.failures("ledger", "msg_timed_out") == 1
        assert harness.failures("result", "msg_timed_out") == 0
        assert sim.simulator.state.stats.get("inputs_requests", 0) == 0


class TestFailureReason:
    def test_reasons_are_bounded_names(self) -> None:
        """librdkafka error names become lower-case reasons; other failures fall into fixed classes."""
        assert publish_failure_reason(ProducerQueueFull()) == "queue_full"
        assert (
            publish_failure_reason(ProduceError("denied", code="TOPIC_AUTHORIZATION_FAILED"))
            == "topic_authorization_failed"
        )
        assert publish_failure_reason(ProduceError("odd", code="Not a code!")) == "kafka_error"
        assert publish_failure_reason(ProduceError("none")) == "kafka_error"
        assert publish_failure_reason(SchemaRegistryError("registry down")) == "schema_registry"
        assert publish_failure_reason(SerializationError("bad record")) == "serialization"
        assert publish_failure_reason(RuntimeError("bug")) == "unexpected"
