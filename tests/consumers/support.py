"""Helpers for consumer tests: group topics, settings, producing input, running a use case in a thread,
waiting until a group has drained a topic."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from pydantic import BaseModel, SecretStr

from bcx.contracts.document_result import TOPIC as RESULTS_TOPIC
from bcx.exstream.settings import ExstreamSettings, OutputStorageSettings
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec, group_topic
from bcx.settings import KafkaSettings, MetricsSettings, RegistrySettings
from consumers.runtime.app import UseCaseFactory, run_use_case
from consumers.runtime.settings import ConsumeSettings
from consumers.stream.settings import RuntimeSettings


def create_group_topics(kafka: KafkaSettings, group: str, partitions: int = 3) -> None:
    TopicAdmin(kafka.client_config()).create(
        [
            TopicSpec(group_topic(group, "ledger"), partitions, 1, {"cleanup.policy": "compact"}),
            TopicSpec(group_topic(group, "dlq"), 1, 1, {}),
            TopicSpec(group_topic(group, "retry"), partitions, 1, {}),
        ]
    )


def exstream_settings(base_url: str) -> ExstreamSettings:
    return ExstreamSettings(
        base_url=base_url,
        token_url=f"{base_url}/otdsws/oauth2/token",
        client_id="bcx",
        client_secret=SecretStr("bcx-secret"),
        generate_timeout_s=10,
        max_concurrency=64,
        breaker_failure_threshold=1000,
    )


def consume_settings(
    kafka: KafkaSettings,
    registry: RegistrySettings,
    *,
    group: str,
    topics: list[str],
    exstream: ExstreamSettings | None = None,
    storage_root: Path | None = None,
    **runtime: Any,
) -> ConsumeSettings:
    runtime.setdefault("commit_interval_s", 0.2)
    runtime.setdefault("retry_initial_delay_s", 0.05)
    runtime.setdefault("retry_max_delay_s", 0.2)
    return ConsumeSettings(
        kafka=kafka,
        registry=registry,
        metrics=MetricsSettings(port=0),
        consumer=RuntimeSettings(group_id=group, topics=topics, **runtime),
        exstream=exstream or exstream_settings("http://127.0.0.1:9"),  # nothing listens: unused
        output_storage=OutputStorageSettings(root=storage_root or Path("var/test-documents")),
    )


def flow_settings(
    kafka: KafkaSettings,
    registry: RegistrySettings,
    *,
    name: str,
    topics: list[str],
    exstream_url: str,
    storage_root: Path,
) -> tuple[str, ConsumeSettings]:
    """A fresh group for flow ``name`` reading ``topics`` (its ledger/DLQ/retry topics and the results topic
    created), the Exstream simulator at ``exstream_url``, no retry-topic rounds: an e2e test's setup."""
    group = f"bcx-{name}-{uuid.uuid4().hex[:8]}"
    create_group_topics(kafka, group, partitions=1)
    TopicAdmin(kafka.client_config()).create([TopicSpec(RESULTS_TOPIC, 3, 1, {})])
    settings = consume_settings(
        kafka,
        registry,
        group=group,
        topics=topics,
        exstream=exstream_settings(exstream_url),
        storage_root=storage_root,
        retry_topic_rounds=0,
    )
    return group, settings


def settings_env(settings: ConsumeSettings) -> dict[str, str]:
    """The same settings as ``BCX_*`` environment variables, for a consumer in a subprocess."""
    env: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(f"{prefix}__{name.upper()}" if prefix else name.upper(), getattr(value, name))
        elif value is None:
            return
        elif isinstance(value, SecretStr):
            env[f"BCX_{prefix}"] = value.get_secret_value()
        elif isinstance(value, list | dict | bool):
            env[f"BCX_{prefix}"] = json.dumps(value)
        else:
            env[f"BCX_{prefix}"] = str(value)

    for section in ("kafka", "registry", "metrics", "consumer", "exstream", "output_storage"):
        walk(section.upper(), getattr(settings, section))
    return env


def produce(
    kafka: KafkaSettings, topic: str, records: Iterable[tuple[str, Any]], partition: int | None = None
) -> int:
    producer = Producer({**kafka.client_config(), "linger.ms": 5})
    count = 0
    for key, value in records:
        body = value if isinstance(value, bytes) else json.dumps(value).encode()
        if partition is None:
            producer.produce(topic, body, key=key.encode())
        else:
            producer.produce(topic, body, key=key.encode(), partition=partition)
        count += 1
        if count % 1000 == 0:
            producer.poll(0)
    assert producer.flush(30) == 0
    return count


def committed(kafka: KafkaSettings, group: str, topic: str, partitions: int) -> dict[int, int]:
    consumer = Consumer({**kafka.client_config(), "group.id": group, "enable.auto.commit": False})
    try:
        found = consumer.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=10)
        return {tp.partition: tp.offset for tp in found}
    finally:
        consumer.close()


def committed_values(
    kafka: KafkaSettings, topic: str, *, until: Callable[[list[bytes]], bool], timeout_s: float = 20.0
) -> list[bytes]:
    """The values a ``read_committed`` reader finds in ``topic``, read until ``until(values)`` holds or
    ``timeout_s`` passes (the caller asserts on what it got)."""
    reader = Consumer(
        {
            **kafka.client_config(),
            "group.id": f"test-reader-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
            "isolation.level": "read_committed",
        }
    )
    reader.subscribe([topic])
    seen: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and not until(seen):
            msg = reader.poll(0.5)
            if msg is not None and msg.error() is None:
                seen.append(msg.value() or b"")
    finally:
        reader.close()
    return seen


def end_offsets(kafka: KafkaSettings, topic: str) -> dict[int, int]:
    """Each partition's high watermark (past any transaction marker: compare positions, not offsets)."""
    consumer = Consumer({**kafka.client_config(), "group.id": f"probe-{uuid.uuid4().hex[:6]}"})
    try:
        metadata = consumer.list_topics(topic, timeout=10).topics[topic]
        return {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
            for p in metadata.partitions
        }
    finally:
        consumer.close()


def wait_drained(kafka: KafkaSettings, group: str, topic: str, timeout: float = 120.0) -> None:
    """Wait until ``group`` committed everything on ``topic`` (and it stays that way for a moment)."""
    deadline = time.monotonic() + timeout
    consumer = Consumer({**kafka.client_config(), "group.id": group, "enable.auto.commit": False})
    try:
        stable = 0
        while time.monotonic() < deadline:
            try:
                ends = end_offsets(kafka, topic)
                positions = consumer.committed([TopicPartition(topic, p) for p in ends], timeout=10)
            except KafkaException as exc:
                if exc.args[0].code() != KafkaError._TIMED_OUT:
                    raise
                # a busy broker or coordinator (two suites on two cores, a rebalance after a kill): one
                # slow answer is not the group's failure to drain; ask again until this wait's own deadline
                stable = 0
                continue
            done = all(tp.offset >= ends[tp.partition] for tp in positions if ends[tp.partition] > 0)
            stable = stable + 1 if done else 0
            if stable >= 3:
                return
            time.sleep(0.5)
    finally:
        consumer.close()
    raise AssertionError(f"group {group} did not drain {topic} in {timeout:.0f}s")


class RunningConsumer:
    """``run_use_case`` in a thread; ``stop()`` sets the shutdown event (like SIGTERM), returns the code."""

    def __init__(self, name: str, factory: UseCaseFactory, settings: ConsumeSettings) -> None:
        self.shutdown = threading.Event()
        self.code: int | None = None
        self.error: BaseException | None = None

        def target() -> None:
            try:
                self.code = run_use_case(name, factory, settings, shutdown=self.shutdown)
            except BaseException as exc:  # reported by wait(), not lost in the thread
                self.error = exc

        self._thread = threading.Thread(target=target, name=f"consumer-{name}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60) -> int | None:
        self.shutdown.set()
        return self.wait(timeout)

    def wait(self, timeout: float = 60) -> int | None:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "consumer did not stop"
        if self.error is not None:
            raise self.error
        return self.code
