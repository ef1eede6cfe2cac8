"""The held-records buffer on a real broker: distinct keys of every partition run at once, order per key
holds under variable latency, and a full buffer pauses its partitions and resumes them."""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest

from bcx.settings import KafkaSettings, RegistrySettings
from consumers.stream.processor import RecordContext
from tests.conftest import NewTopic
from tests.consumers.runtime.test_runtime_kafka import factory, group, wait_for
from tests.consumers.support import RunningConsumer, committed, consume_settings, produce

__all__ = ["group"]  # the fixture, imported for use here

pytestmark = pytest.mark.integration


@dataclass
class Recorder:
    """Waits at a gate (while closed), sleeps a variable 0-10 ms, then records (key, seq) as its output."""

    gate: asyncio.Event | None = None
    loop: asyncio.AbstractEventLoop | None = None
    running: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    outputs: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    overlaps: int = 0

    async def process(self, value: dict[str, Any], ctx: RecordContext) -> None:
        key = value["key"]
        self.running[key] += 1
        self.overlaps += self.running[key] > 1
        try:
            if self.gate is None:
                self.gate, self.loop = asyncio.Event(), asyncio.get_running_loop()
            await self.gate.wait()
            await asyncio.sleep(random.uniform(0, 0.01))
            self.outputs[key].append(int(value["seq"]))
        finally:
            self.running[key] -= 1

    def open(self) -> None:
        """Let every held and later call through (from the test's thread)."""
        assert self.loop is not None
        assert self.gate is not None
        self.loop.call_soon_threadsafe(self.gate.set)

    def running_keys(self) -> int:
        return sum(1 for n in self.running.values() if n)

    def done(self) -> int:
        return sum(len(v) for v in self.outputs.values())


def keyed(key: str, n: int, start: int = 0) -> list[tuple[str, dict[str, Any]]]:
    return [(key, {"key": key, "seq": start + i}) for i in range(n)]


class TestDistinctKeysAcrossPartitions:
    def test_keys_of_every_partition_run_at_once_when_one_partition_dominates(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        group: str,
    ) -> None:
        """Partition 0 holds 300 records of 2 keys, partitions 1-3 one key each: with a window of 8 the
        5 distinct keys all run at once (before, the window filled with partition 0's waiting records and
        2 ran), and once released every key's outputs come in sequence, nothing twice, all committed."""
        topic = new_topic("in", partitions=4)
        interleaved = [r for pair in zip(keyed("a", 150), keyed("b", 150), strict=True) for r in pair]
        produce(kafka_settings, topic, interleaved, partition=0)
        for p in (1, 2, 3):
            produce(kafka_settings, topic, keyed(f"c{p}", 20), partition=p)
        processor = Recorder()
        settings = consume_settings(
            kafka_settings, registry_settings, group=group, topics=[topic], max_in_flight=8
        )
        running = RunningConsumer("tiny", factory(processor, topic), settings)  # type: ignore[arg-type]
        wait_for(lambda: processor.running_keys() == 5)
        processor.open()
        wait_for(lambda: processor.done() >= 360)
        wait_for(lambda: sum(committed(kafka_settings, group, topic, 4).values()) == 360)
        assert running.stop() == 0
        assert processor.overlaps == 0
        assert processor.outputs["a"] == list(range(150))
        assert processor.outputs["b"] == list(range(150))
        for p in (1, 2, 3):
            assert processor.outputs[f"c{p}"] == list(range(20))


class TestFullBuffer:
    def test_a_full_buffer_pauses_its_partitions_and_resumes_them_when_drained(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        group: str,
    ) -> None:
        """A window of 2 and 4 waiting records (a buffer of 6) stay full past ``pause_after_s`` while the
        calls are held, so the partitions are paused; released, the buffer drains, the partitions resume
        and all 80 records (40 keys, 2 each) are done once each, in key order, and committed."""
        topic = new_topic("in", partitions=2)
        produce(kafka_settings, topic, [r for k in range(40) for r in keyed(f"k{k}", 2)])
        processor = Recorder()
        settings = consume_settings(
            kafka_settings,
            registry_settings,
            group=group,
            topics=[topic],
            max_in_flight=2,
            max_waiting_records=4,
            pause_after_s=0.1,
        )
        running = RunningConsumer("tiny", factory(processor, topic), settings)  # type: ignore[arg-type]
        wait_for(lambda: processor.running_keys() == 2)
        time.sleep(1.0)  # the buffer stays full past pause_after_s: the runtime pauses its partitions
        processor.open()
        wait_for(lambda: processor.done() >= 80)
        wait_for(lambda: sum(committed(kafka_settings, group, topic, 2).values()) == 80)
        assert running.stop() == 0
        assert processor.done() == 80
        assert all(seqs == [0, 1] for seqs in processor.outputs.values())
