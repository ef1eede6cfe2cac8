"""Publishing result events on ``documents.results.v1``; a publish returns once Kafka acknowledged it, or,
with transactions, once it is in the open transaction (whose commit acknowledges it).

With :class:`~consumers.runtime.metrics.DocumentMetrics`, each acknowledged result counts in
``bcx_documents_total`` — a transaction's results once it commits, so a result redone after a failed
transaction counts once — and each one Kafka did not take in ``bcx_results_publish_failures_total``.
"""

from __future__ import annotations

import re
import uuid

from bcx.avro.codec import AvroCodec
from bcx.avro.errors import SchemaRegistryError, SerializationError
from bcx.contracts.document_result import TOPIC, Channel, DocumentResult, DocumentStatus
from bcx.kafka.errors import KafkaError
from consumers.runtime.metrics import DocumentMetrics
from consumers.stream.transactions import Outgoing, Sender, TransactionalSender

_RESULT_NAMESPACE = uuid.UUID("8c1d5a8e-6b0f-4f43-9a55-2f1e0c7b9d21")
_KAFKA_CODE = re.compile(r"[a-z][a-z_]{0,47}")

NO_CHANNEL = "none"


def result_id(idempotency_key: str, status: DocumentStatus, channel: Channel | None, attempt: int) -> str:
    """A stable id per outcome: a result re-sent after a crash carries the same id, so readers can dedupe."""
    name = f"{idempotency_key}|{status.value}|{channel.value if channel else '-'}|{attempt}"
    return str(uuid.uuid5(_RESULT_NAMESPACE, name))


def publish_failure_reason(exc: BaseException) -> str:
    """A bounded label for why a record was not acknowledged: librdkafka's error name (``msg_timed_out``,
    ``topic_authorization_failed``, ``queue_full``, …), ``schema_registry``, ``serialization`` or
    ``unexpected``."""
    if isinstance(exc, KafkaError):
        code = (exc.code or "").strip("_").lower()
        return code if _KAFKA_CODE.fullmatch(code) else "kafka_error"
    if isinstance(exc, SchemaRegistryError):
        return "schema_registry"
    if isinstance(exc, SerializationError):
        return "serialization"
    return "unexpected"


class ResultPublisher:
    def __init__(
        self,
        producer: Sender,
        codec: AvroCodec[DocumentResult],
        topic: str = TOPIC,
        *,
        metrics: DocumentMetrics | None = None,
    ) -> None:
        self._producer = producer
        self._codec = codec
        self.topic = topic
        self._metrics = metrics

    async def publish(self, result: DocumentResult) -> None:
        """Encode and send ``result`` keyed by its idempotency key (sent as :class:`Sender` defines it);
        it counts once acknowledged: at once from a plain producer, at its commit from a transaction."""
        producer = self._producer
        try:
            value = self._codec.encode(result)
            if isinstance(producer, TransactionalSender):
                await producer.send(self.topic, value, key=result.key, on_commit=lambda: self.counted(result))
                return
            await producer.send(self.topic, value, key=result.key)
        except Exception as exc:
            self.failed(result, exc)
            raise
        self.counted(result)

    def outgoing(self, result: DocumentResult) -> Outgoing:
        """``result`` as a record for a transaction; :meth:`counted` once it commits (or :meth:`failed`)."""
        return Outgoing(self.topic, self._codec.encode(result), result.key)

    def counted(self, result: DocumentResult) -> None:
        if self._metrics is not None:
            document = result.document
            channel = result.channel.value if result.channel is not None else NO_CHANNEL
            self._metrics.document(document.use_case, document.document_type, channel, result.status.value)

    def failed(self, result: DocumentResult, exc: BaseException) -> None:
        if self._metrics is not None:
            self._metrics.publish_failure(result.document.use_case, "result", publish_failure_reason(exc))
