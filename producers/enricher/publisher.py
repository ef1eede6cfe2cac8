"""Publishing snapshots to their ``commerce.*`` topic, Avro-encoded, keyed by entity; acked before return."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bcx.avro.codec import AvroCodec
from bcx.contracts.commerce import SNAPSHOT_TOPICS, snapshot_codec
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.kafka.producer import KafkaProducer
from bcx.logging import EVENT_ID_HEADER


class KafkaSnapshotPublisher:
    """One codec per entity type; ``topics`` overrides the topic of an entity type (tests, migrations)."""

    def __init__(
        self,
        producer: KafkaProducer,
        registry: Any,
        *,
        topics: Mapping[str, str] | None = None,
        auto_register: bool = True,
    ) -> None:
        self._producer = producer
        self._codecs: dict[str, AvroCodec[SnapshotEnvelope]] = {
            entity: snapshot_codec(entity, registry, auto_register=auto_register)
            for entity in SNAPSHOT_TOPICS
        }
        self.topics = {entity: spec.topic for entity, spec in SNAPSHOT_TOPICS.items()} | dict(topics or {})

    async def publish(self, record: SnapshotEnvelope) -> None:
        codec = self._codecs[record.entity_type]
        # the webhook's event id travels on, so the consumers' log lines name it (bcx.logging)
        headers = [(EVENT_ID_HEADER, record.trigger.event_id.encode())]
        await self._producer.send(
            self.topics[record.entity_type], codec.encode(record), key=record.key, headers=headers
        )
