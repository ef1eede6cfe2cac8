"""The Kafka side of an erasure: scrubbed ledger entries and the erasure record, produced and flushed."""

from __future__ import annotations

from typing import Any

from confluent_kafka import Producer

from bcx.avro.codec import AvroCodec
from bcx.avro.schemas import AvroSchema, load_schema
from bcx.contracts.codecs import ledger_entry_codec
from bcx.contracts.erasure import TOPIC, CustomerErasure
from bcx.contracts.ledger_entry import LedgerEntry
from bcx.kafka.errors import ProduceError


class ErasureProducer:
    """``write_ledger`` and ``publish`` for :func:`~consumers.document_index.erasure.erase`; ``flush``
    raises unless the broker acknowledged every record."""

    def __init__(self, client_config: dict[str, Any], registry: Any, *, erasures_topic: str = TOPIC) -> None:
        self._topic = erasures_topic
        self._producer = Producer({**client_config, "enable.idempotence": True, "acks": "all"})
        self._registry = registry
        self._ledger_codecs: dict[str, AvroCodec[LedgerEntry]] = {}
        # the schema is the topic's, whatever the topic is called (tests use their own)
        schema = load_schema(TOPIC)
        self._erasures = AvroCodec(
            CustomerErasure,
            AvroSchema(topic=erasures_topic, text=schema.text, parsed=schema.parsed),
            registry,
        )
        self._failed: list[str] = []

    def _delivered(self, err: Any, _msg: Any) -> None:
        if err is not None:
            self._failed.append(str(err.name()))

    def write_ledger(self, topic: str, entry: LedgerEntry) -> None:
        codec = self._ledger_codecs.get(topic)
        if codec is None:
            codec = self._ledger_codecs[topic] = ledger_entry_codec(topic, self._registry)
        self._producer.produce(
            topic, codec.encode(entry), key=entry.idempotency_key.encode(), on_delivery=self._delivered
        )

    def publish(self, erasure: CustomerErasure) -> None:
        self._producer.produce(
            self._topic, self._erasures.encode(erasure), key=erasure.key.encode(), on_delivery=self._delivered
        )

    def flush(self, timeout_s: float = 30) -> None:
        left = self._producer.flush(timeout_s)
        if left or self._failed:
            raise ProduceError(f"erasure records not acknowledged ({left} pending, errors {self._failed})")
