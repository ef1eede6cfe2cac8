"""Producing snapshots and reading marketing tables on the real broker, for the marketing e2e tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from confluent_kafka import Producer

from bcx.contracts.commerce import snapshot_codec
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec
from bcx.settings import KafkaSettings
from consumers.marketing.table import CompactedTable, M, table_codec
from tests.consumers.support import create_group_topics


def produce_snapshots(
    kafka: KafkaSettings, registry: Any, topics: dict[str, str], snapshots: Iterable[SnapshotEnvelope]
) -> int:
    """Each snapshot onto its entity type's topic in ``topics``, keyed as the enricher keys it."""
    producer = Producer({**kafka.client_config(), "linger.ms": 5})
    codecs: dict[str, Any] = {}
    count = 0
    for snap in snapshots:
        codec = codecs.setdefault(snap.entity_type, snapshot_codec(snap.entity_type, registry))
        producer.produce(topics[snap.entity_type], codec.encode(snap), key=snap.key.encode())
        count += 1
    assert producer.flush(30) == 0
    return count


def new_topics(kafka: KafkaSettings, *bases: str, partitions: int = 3, compact: bool = False) -> list[str]:
    configs = {"cleanup.policy": "compact"} if compact else {}
    names = [f"{base}.{uuid.uuid4().hex[:8]}" for base in bases]
    TopicAdmin(kafka.client_config()).create([TopicSpec(n, partitions, 1, configs) for n in names])
    return names


def new_group(kafka: KafkaSettings, name: str) -> str:
    group = f"bcx-{name}-{uuid.uuid4().hex[:8]}"
    create_group_topics(kafka, group, partitions=1)
    return group


def read_table(kafka: KafkaSettings, registry: Any, model: type[M], schema: str, topic: str) -> dict[str, M]:
    """The whole table as it stands (read to the topic's end)."""
    table = CompactedTable(kafka, topic, table_codec(model, schema, topic, registry, auto_register=True))
    table.start()
    try:
        assert table.wait_caught_up(30), f"{topic} not read to its end"
        return table.rows()
    finally:
        table.close()
