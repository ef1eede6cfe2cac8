"""The enricher service on the consumer runtime, against a real broker and the simulator over real HTTP."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from bcx.bigcommerce.settings import BigCommerceSettings, StoreCredentials
from bcx.contracts.codecs import webhook_event_codec
from bcx.contracts.commerce import SNAPSHOT_TOPICS, snapshot_codec
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.contracts.webhook_event import WebhookEvent
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.kafka.topics import TopicSpec, group_topic
from bcx.settings import KafkaSettings, MetricsSettings, RegistrySettings
from consumers.stream.settings import RuntimeSettings
from producers.enricher.service import run_enricher
from producers.enricher.settings import EnricherSettings
from simulators.bigcommerce.server import RunningSimulator
from tests.producers.enricher.support import DEV_TOKEN, STORE
from tests.support.kafka import consume

NewTopic = Any


@dataclass
class Running:
    settings: EnricherSettings
    input_topic: str
    topics: dict[str, str]
    dlq_topic: str
    kafka: KafkaSettings
    registry: Any
    producer: KafkaProducer
    codecs: dict[str, Any] = field(default_factory=dict)

    def send(self, events: list[WebhookEvent]) -> None:
        codec = webhook_event_codec(self.registry)
        futures = [self.producer.produce(self.input_topic, codec.encode(e), key=e.key) for e in events]
        for future in futures:
            future.result(timeout=30)

    def snapshots(self, entity_type: str, expected: int, timeout: float = 60.0) -> list[SnapshotEnvelope]:
        codec = snapshot_codec(entity_type, self.registry)
        messages = consume(self.kafka, self.topics[entity_type], expected, timeout)
        return [codec.decode(m.value()) for m in messages]


def enricher_settings(
    kafka: KafkaSettings,
    registry: RegistrySettings,
    base_url: str,
    *,
    input_topic: str,
    topics: dict[str, str],
    group: str,
) -> EnricherSettings:
    return EnricherSettings(
        kafka=kafka,
        registry=registry,
        metrics=MetricsSettings(port=0),
        bigcommerce=BigCommerceSettings(
            api_base_url=base_url,
            b2b_base_url=base_url,
            stores=(StoreCredentials(store_hash=STORE, access_token=SecretStr(DEV_TOKEN)),),
        ),
        consumer=RuntimeSettings(
            group_id=group, retry_topic_rounds=0, retry_max_attempts=3, commit_interval_s=0.2
        ),
        input_topic=input_topic,
        snapshot_topics=topics,
    )


@contextmanager
def running_enricher(
    sim: RunningSimulator,
    kafka: KafkaSettings,
    registry_settings: RegistrySettings,
    registry: Any,
    new_topic: NewTopic,
) -> Iterator[Running]:
    """Topics made fresh for the test, the service running in a thread; stopped (and joined) on exit."""
    input_topic = new_topic("webhooks", partitions=3)
    topics = {entity: new_topic(spec.topic) for entity, spec in SNAPSHOT_TOPICS.items()}
    group = f"bcx-enricher-{uuid.uuid4().hex[:8]}"
    dlq_topic = group_topic(group, "dlq")
    TopicAdmin(kafka.client_config()).create([TopicSpec(dlq_topic, 1, 1, {})])
    settings = enricher_settings(
        kafka, registry_settings, sim.base_url, input_topic=input_topic, topics=topics, group=group
    )
    shutdown = threading.Event()
    codes: list[int] = []
    thread = threading.Thread(
        target=lambda: codes.append(run_enricher(settings, shutdown=shutdown, install_signals=False)),
        name="enricher-under-test",
        daemon=True,
    )
    thread.start()
    producer = KafkaProducer(producer_config(kafka))
    try:
        yield Running(settings, input_topic, topics, dlq_topic, kafka, registry, producer)
    finally:
        producer.close()
        shutdown.set()
        thread.join(60)
    assert not thread.is_alive(), "the enricher did not stop"
    assert codes == [0]


def run(coro: Any) -> Any:
    return asyncio.run(coro)
