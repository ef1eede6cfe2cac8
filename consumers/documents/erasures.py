"""Erased customers, so no document flow sends them anything after ``bcx erase`` or store/customer/deleted.

``customers.erasures.v1`` is compacted and keyed by the subject hash (sha256 of ``store_hash:customer_id``);
a flow reads it from the start before consuming (``wait_ready``) and keeps tailing it in a daemon thread.
Only keys are read: no registry, and no clear customer id ever crosses the bus.
"""

from __future__ import annotations

import threading
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from bcx.contracts.erasure import TOPIC, subject
from bcx.logging import get_logger

log = get_logger(__name__)


class ErasedCustomers:
    """The set of erased subjects, kept current from the topic by a background thread."""

    def __init__(self, client_config: dict[str, Any], topic: str = TOPIC) -> None:
        self._config = {**client_config, "group.id": "bcx-erasures-reader", "enable.auto.commit": False}
        self._topic = topic
        self._subjects: set[str] = set()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="erased-customers", daemon=True)

    def start(self) -> ErasedCustomers:
        self._thread.start()
        return self

    def wait_ready(self, timeout_s: float) -> bool:
        """True once everything on the topic at start-up has been read."""
        return self._ready.wait(timeout_s)

    def close(self) -> None:
        self._stop.set()

    def erased(self, store_hash: str, customer_id: str | None) -> bool:
        return customer_id is not None and subject(store_hash, customer_id) in self._subjects

    def _run(self) -> None:
        consumer = Consumer(self._config)
        try:
            metadata = consumer.list_topics(self._topic, timeout=10)
            partitions = (
                sorted(metadata.topics[self._topic].partitions) if self._topic in metadata.topics else []
            )
            if not partitions:
                log.warning("erasures.topic_missing", topic=self._topic)
            ends = {
                p: consumer.get_watermark_offsets(TopicPartition(self._topic, p), timeout=10)[1]
                for p in partitions
            }
            consumer.assign([TopicPartition(self._topic, p, OFFSET_BEGINNING) for p in partitions])
            positions = dict.fromkeys(partitions, 0)
            while not self._stop.is_set():
                if not self._ready.is_set() and all(positions[p] >= ends[p] for p in partitions):
                    log.info("erasures.loaded", subjects=len(self._subjects))
                    self._ready.set()
                msg = consumer.poll(0.5)
                if msg is None or msg.error():
                    continue
                key = (msg.key() or b"").decode(errors="replace")
                if msg.value() is None:
                    self._subjects.discard(key)
                else:
                    self._subjects.add(key)
                positions[msg.partition() or 0] = (msg.offset() or 0) + 1
        except Exception:  # the flow must not run blind: it stays not-ready and the log says why
            log.exception("erasures.reader_failed")
        finally:
            consumer.close()
