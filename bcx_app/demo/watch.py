"""Reading the pipeline from the outside: result records as they arrive, and consumer-group lag."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from confluent_kafka import Consumer, TopicPartition

from bcx.avro.errors import SerializationError
from bcx.avro.registry import registry_client
from bcx.contracts.codecs import document_result_codec
from bcx.contracts.document_result import TOPIC as RESULTS_TOPIC
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.demo.tally import ResultsTally


class ResultsWatcher:
    """Tails ``documents.results.v1`` from where it ended when the watcher started, into a tally."""

    def __init__(self, kafka: KafkaSettings, registry: RegistrySettings) -> None:
        self.tally = ResultsTally()
        self.last_arrival = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._registry = registry_client(registry)
        self._codec = document_result_codec(self._registry, auto_register=False)
        self._consumer = Consumer(
            {
                **kafka.client_config(),
                "group.id": f"bcx-demo-{uuid.uuid4().hex[:8]}",
                "enable.auto.commit": False,
            }
        )
        partitions = self._consumer.list_topics(RESULTS_TOPIC, timeout=10).topics[RESULTS_TOPIC].partitions
        start = []
        for p in partitions:
            _, high = self._consumer.get_watermark_offsets(TopicPartition(RESULTS_TOPIC, p), timeout=10)
            start.append(TopicPartition(RESULTS_TOPIC, p, high))
        self._consumer.assign(start)
        self._thread = threading.Thread(target=self._run, name="demo-results", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            msg = self._consumer.poll(0.2)
            value = None if msg is None or msg.error() else msg.value()
            if value is None:
                continue
            try:
                result = self._codec.decode(value)
            except SerializationError:
                continue
            with self._lock:
                self.tally.add(result)
                self.last_arrival = time.monotonic()

    def snapshot(self) -> tuple[ResultsTally, float]:
        with self._lock:
            return self.tally, self.last_arrival

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._consumer.close()
        self._registry.close()


def group_lag(kafka: KafkaSettings, group: str, topic: str) -> int:
    """Records in ``topic`` that ``group`` has not committed yet (all of them if it never committed)."""
    consumer: Any = Consumer({**kafka.client_config(), "group.id": group, "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        committed = consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=10)
        lag = 0
        for tp in committed:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, tp.partition), timeout=10)
            position = tp.offset if tp.offset >= 0 else low
            lag += max(0, high - position)
        return lag
    finally:
        consumer.close()
