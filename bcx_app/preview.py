"""``bcx preview``: a flow's documents for one order, decided and rendered, delivered and recorded nowhere.

Where the order comes from: the latest snapshot of it on the flow's input topic (``commerce.orders.v1``),
read from the start of every partition. That is exactly what the flow would process (the enricher's
reading, the same converter), needs no BigCommerce credentials in the sign-off environment and cannot
drift from the flow's own mapping; an order older than the topic's retention is not there, and the tool
says so (``bcx reconcile`` re-publishes it). Reading BigCommerce live through the enricher's fetch path
would preview data the flow has not seen yet.

How nothing is written: the flow's own ``build`` runs on :class:`Services` whose producer, result
publisher and output storage refuse every use (:class:`Refused`), whose ledger is empty and read-only,
and whose document step is :class:`PreviewStep`: it records each due document's explanation and renders
it through Exstream (or its simulator) with no delivery channel and no reference, writing the outputs
to ``--out`` only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from prometheus_client import CollectorRegistry

from bcx.contracts.ledger_entry import LedgerEntry
from bcx.errors import BcxError
from bcx.exstream.client import ExstreamClient
from bcx.exstream.storage.base import safe_segment
from bcx.manifest import Flow
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext, Services, SourceRecord
from consumers.runtime.settings import ConsumeSettings


class PreviewError(BcxError):
    """The order cannot be previewed (no snapshot on the topic, a flow that failed to decide)."""


class Refused:
    """Stands in for everything that writes (producer, results, storage): any use is a bug, loudly."""

    def __init__(self, what: str) -> None:
        self._what = what

    def __getattr__(self, name: str) -> Any:
        raise PreviewError(f"preview must not use the {self._what} ({name})")


class _EmptyLedger:
    """Read-only and empty: the preview shows what the rules say now, as if nothing had been sent."""

    def get(self, key: str) -> LedgerEntry | None:
        return None


@dataclass
class Previewed:
    request: DocumentRequest
    files: list[Path] = field(default_factory=list)


class PreviewStep:
    """The document step of a preview: render each due document to ``out``, deliver and record nothing."""

    def __init__(self, exstream: ExstreamClient, out: Path) -> None:
        self._exstream = exstream
        self._out = out
        self.documents: list[Previewed] = []

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        decision = request.decision
        generated = await self._exstream.generate(
            communication_id=decision.communication_id,
            driver_data_source=decision.driver_data_source,
            # no delivery channel and no reference: Exstream renders, delivers nothing, and the job is
            # not mistaken for the real document's by the flow's recovery look-up
            driver_data={**request.driver_data, "deliveryChannels": []},
        )
        folder = self._out / safe_segment(decision.idempotency_key or decision.document_type)
        folder.mkdir(parents=True, exist_ok=True)
        previewed = Previewed(request)
        for document in generated.documents:
            path = folder / safe_segment(document.name)
            path.write_bytes(document.content)
            previewed.files.append(path)
        self.documents.append(previewed)
        return DocumentOutcome(False, None)


@dataclass
class PreviewServices(Services):
    """:class:`Services` whose document step is the preview's."""

    preview: PreviewStep | None = None

    def document_step(self, use_case: str) -> Any:
        return self.preview


def latest_snapshot(client_config: dict[str, Any], topic: str, key: str) -> SourceRecord | None:
    """The last record with ``key`` on ``topic`` (every partition read from the start to its end)."""
    consumer = Consumer({**client_config, "group.id": f"bcx-preview-{uuid.uuid4().hex[:8]}"})
    try:
        metadata = consumer.list_topics(topic, timeout=10).topics.get(topic)
        if metadata is None or metadata.error is not None:
            raise PreviewError(f"topic {topic} cannot be read")
        ends = {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            for p in metadata.partitions
        }
        left = {p for p, (low, high) in ends.items() if high > low}
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in left])
        found: SourceRecord | None = None
        wanted = key.encode()
        while left:
            msg = consumer.poll(10)
            if msg is None:
                raise PreviewError(f"reading {topic} stalled")
            if msg.error():
                continue
            if msg.key() == wanted:
                found = SourceRecord.from_message(msg)
            if (msg.offset() or 0) + 1 >= ends[msg.partition() or 0][1]:
                left.discard(msg.partition() or 0)
        return found
    finally:
        consumer.close()


async def preview(
    flow: Flow,
    factory: Callable[[Services], Any],
    record: SourceRecord,
    *,
    settings: ConsumeSettings,
    registry: Any,
    exstream: ExstreamClient,
    out: Path,
) -> list[Previewed]:
    """Decide and render ``record`` through ``flow``'s own processor; returns what was rendered."""
    step = PreviewStep(exstream, out)
    services = PreviewServices(
        settings=settings,
        group=f"{flow.group}-preview",
        registry=registry,
        producer=cast(Any, Refused("Kafka producer")),
        sender=cast(Any, Refused("Kafka producer")),
        metrics_registry=CollectorRegistry(),
        results=cast(Any, Refused("results publisher")),
        ledger=cast(Any, _EmptyLedger()),
        exstream=exstream,
        storage=cast(Any, Refused("output storage")),
        owner="preview",
        preview=step,
    )
    use_case = factory(services)
    value = use_case.decoder(record)
    await use_case.processor.process(value, RecordContext(record, 1, services.group))
    return step.documents
