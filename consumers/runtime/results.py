"""Publishing result events on ``documents.results.v1``; a publish returns once Kafka acknowledged it."""

from __future__ import annotations

import uuid

from bcx.avro.codec import AvroCodec
from bcx.contracts.document_result import TOPIC, Channel, DocumentResult, DocumentStatus
from bcx.kafka.producer import Delivered, KafkaProducer

_RESULT_NAMESPACE = uuid.UUID("8c1d5a8e-6b0f-4f43-9a55-2f1e0c7b9d21")


def result_id(idempotency_key: str, status: DocumentStatus, channel: Channel | None, attempt: int) -> str:
    """A stable id per outcome: a result re-sent after a crash carries the same id, so readers can dedupe."""
    name = f"{idempotency_key}|{status.value}|{channel.value if channel else '-'}|{attempt}"
    return str(uuid.uuid5(_RESULT_NAMESPACE, name))


class ResultPublisher:
    def __init__(self, producer: KafkaProducer, codec: AvroCodec[DocumentResult], topic: str = TOPIC) -> None:
        self._producer = producer
        self._codec = codec
        self.topic = topic

    async def publish(self, result: DocumentResult) -> Delivered:
        """Encode and send ``result`` keyed by its idempotency key; returns after the broker's ack."""
        return await self._producer.send(self.topic, self._codec.encode(result), key=result.key)
