"""The runtime on a real broker with a tiny processor: commits, order, backpressure, failures, shutdown."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest

from bcx.kafka.topics import group_topic
from bcx.settings import KafkaSettings, RegistrySettings
from consumers.runtime.app import Services, UseCase
from consumers.stream.errors import PermanentError, RetryableError
from consumers.stream.processor import RecordContext
from consumers.stream.records import SourceRecord
from tests.conftest import NewTopic
from tests.consumers.support import (
    RunningConsumer,
    committed,
    consume_settings,
    create_group_topics,
    produce,
)
from tests.support.kafka import consume

pytestmark = pytest.mark.integration


def decode(record: SourceRecord) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(record.value or b"{}")
    return value


@dataclass
class TinyProcessor:
    """Records what it sees; fails or stalls on request (``fail``: permanent/retryable/retry_n)."""

    delay_s: float = 0.0
    calls: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    attempts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    running: int = 0
    max_running: int = 0
    gate: asyncio.Event | None = None

    async def process(self, value: dict[str, Any], ctx: RecordContext) -> None:
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        try:
            seq = int(value["seq"])
            self.attempts[seq] += 1
            self.calls[value["key"]].append(seq)
            if self.gate is not None:
                await self.gate.wait()
            await asyncio.sleep(self.delay_s * (1 + seq % 3) / 2)
            fail = value.get("fail")
            if fail == "permanent":
                raise PermanentError("bad record", error_class="data.invalid", stage="map")
            if fail == "retryable" or (fail == "retry_2" and self.attempts[seq] <= 2):
                raise RetryableError("try later", error_class="test.transient")
        finally:
            self.running -= 1


def factory(processor: TinyProcessor, topic: str) -> Any:
    def build(services: Services) -> UseCase[dict[str, Any]]:
        return UseCase("tiny", (topic,), decode, processor)

    return build


def records(n: int, keys: int, **extra: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(f"k{i % keys}", {"seq": i, "key": f"k{i % keys}", **extra}) for i in range(n)]


def wait_for(predicate: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


@pytest.fixture
def group(kafka_settings: KafkaSettings) -> str:
    name = f"bcx-test-{uuid.uuid4().hex[:8]}"
    create_group_topics(kafka_settings, name)
    return name


class TestProcessingAndCommits:
    def test_every_record_processed_once_in_key_order_and_committed(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        group: str,
    ) -> None:
        """Records of 7 keys over 3 partitions run concurrently, each key in offset order, all committed."""
        topic = new_topic("in", partitions=3)
        produce(kafka_settings, topic, records(300, keys=7))
        processor = TinyProcessor(delay_s=0.01)
        settings = consume_settings(kafka_settings, registry_settings, group=group, topics=[topic])
        running = RunningConsumer("tiny", factory(processor, topic), settings)
        wait_for(lambda: sum(len(v) for v in processor.calls.values()) >= 300)
        assert running.stop() == 0
        for key, seqs in processor.calls.items():
            assert seqs == sorted(seqs), f"{key} ran out of order"
        assert sorted(s for v in processor.calls.values() for s in v) == list(range(300))
        assert processor.max_running > 1
        offsets = committed(kafka_settings, group, topic, 3)
        assert sum(offsets.values()) == 300

    def test_window_bounds_records_held_and_pauses_partitions(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        group: str,
    ) -> None:
        """With a window of 8 and a stalled processor, at most 8 distinct-key records are ever started."""
        topic = new_topic("in", partitions=2)
        produce(kafka_settings, topic, records(200, keys=200))
        shared: dict[str, Any] = {}

        class Gated(TinyProcessor):
            async def process(self, value: dict[str, Any], ctx: RecordContext) -> None:
                if "gate" not in shared:
                    shared["gate"], shared["loop"] = asyncio.Event(), asyncio.get_running_loop()
                self.gate = shared["gate"]
                await super().process(value, ctx)

        processor = Gated()
        settings = consume_settings(
            kafka_settings, registry_settings, group=group, topics=[topic], max_in_flight=8
        )
        running = RunningConsumer("tiny", factory(processor, topic), settings)
        wait_for(lambda: processor.running >= 8)
        time.sleep(1.0)  # give the poll loop every chance to overfill
        assert processor.running == 8
        shared["loop"].call_soon_threadsafe(shared["gate"].set)
        wait_for(lambda: sum(len(v) for v in processor.calls.values()) >= 200)
        assert processor.max_running <= 8
        assert running.stop() == 0


class TestFailures:
    def test_permanent_error_dead_letters_at_once_with_context(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        group: str,
    ) -> None:
        """A permanent failure is tried once and lands in the DLQ with original bytes and error headers."""
        topic = new_topic("in", partitions=1)
        produce(kafka_settings, topic, [("k1", {"seq": 0, "key": "k1", "fail": "permanent"})])
        processor = TinyProcessor()
        settings = consume_settings(kafka_settings, registry_settings, group=group, topics=[topic])
        running = RunningConsumer("tiny", factory(processor, topic), settings)
        letters = consume(kafka_settings, group_topic(group, "dlq"), 1)
        assert running.stop() == 0
        assert processor.attempts[0] == 1
        assert len(letters) == 1
        headers = {k: v.decode() for k, v in letters[0].headers()}
        assert json.loads(letters[0].value())["fail"] == "permanent"
        assert letters[0].key() == b"k1"
        assert headers["bcx.error.topic"] == topic
        assert headers["bcx.error.partition"] == "0"
        assert headers["bcx.error.offset"] == "0"
        assert headers["bcx.error.stage"] == "map"
        assert headers["bcx.error.class"] == "data.invalid"
        assert headers["bcx.error.exception.class"].endswith("PermanentError")
        assert headers["bcx.error.attempts"] == "1"
        assert int(headers["bcx.error.timestamp"]) > 0
        assert committed(kafka_settings, group, topic, 1) == {0: 1}

    def test_transient_errors_are_retried_in_process_to_success(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        group: str,
    ) -> None:
        """A record failing twice with a retryable error succeeds on the third attempt; no dead letter."""
        topic = new_topic("in", partitions=1)
        produce(kafka_settings, topic, [("k1", {"seq": 0, "key": "k1", "fail": "retry_2"})])
        processor = TinyProcessor()
        settings = consume_settings(kafka_settings, registry_settings, group=group, topics=[topic])
        running = RunningConsumer("tiny", factory(processor, topic), settings)
        wait_for(lambda: committed(kafka_settings, group, topic, 1) == {0: 1}, timeout=30)
        assert running.stop() == 0
        assert processor.attempts[0] == 3

    def test_exhausted_budget_goes_through_the_retry_topic_then_the_dlq(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        group: str,
    ) -> None:
        """After in-process retries it takes one delayed trip through the retry topic, then the DLQ."""
        topic = new_topic("in", partitions=1)
        produce(kafka_settings, topic, [("k1", {"seq": 0, "key": "k1", "fail": "retryable"})])
        processor = TinyProcessor()
        settings = consume_settings(
            kafka_settings,
            registry_settings,
            group=group,
            topics=[topic],
            retry_max_attempts=2,
            retry_topic_rounds=1,
            retry_topic_delay_s=1.0,
        )
        running = RunningConsumer("tiny", factory(processor, topic), settings)
        letters = consume(kafka_settings, group_topic(group, "dlq"), 1, timeout=60)
        assert running.stop() == 0
        assert processor.attempts[0] == 4
        headers = {k: v.decode() for k, v in letters[0].headers()}
        assert headers["bcx.error.attempts"] == "4"
        assert headers["bcx.error.topic"] == topic  # the origin, not the retry topic
        assert consume(kafka_settings, group_topic(group, "retry"), 1)

    def test_dlq_cap_stops_the_consumer_without_dead_lettering_everything(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        group: str,
    ) -> None:
        """With a cap of 3, bad records yield 3 dead letters, exit code 3, and no commit past them."""
        topic = new_topic("in", partitions=1)
        produce(kafka_settings, topic, records(20, keys=1, fail="permanent"))
        processor = TinyProcessor()
        settings = consume_settings(
            kafka_settings, registry_settings, group=group, topics=[topic], dlq_max_count=3, dlq_window_s=600
        )
        running = RunningConsumer("tiny", factory(processor, topic), settings)
        assert running.wait(60) == 3
        # read, not counted by watermarks: a transaction's commit marker takes an offset too
        assert len(consume(kafka_settings, group_topic(group, "dlq"), 4, timeout=10)) == 3
        assert committed(kafka_settings, group, topic, 1)[0] <= 3


class TestShutdown:
    def test_shutdown_drains_in_flight_records_and_commits_them(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        group: str,
    ) -> None:
        """Stopping while slow records run lets them finish and commits them before exiting 0."""
        topic = new_topic("in", partitions=1)
        produce(kafka_settings, topic, records(10, keys=10))
        processor = TinyProcessor(delay_s=1.0)
        settings = consume_settings(kafka_settings, registry_settings, group=group, topics=[topic])
        running = RunningConsumer("tiny", factory(processor, topic), settings)
        wait_for(lambda: processor.running == 10)
        assert running.stop() == 0
        assert committed(kafka_settings, group, topic, 1) == {0: 10}
