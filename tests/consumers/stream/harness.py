"""A stream runtime on the in-memory twin: the real runner and executor, a memory broker instead of Kafka.

:class:`Gate` holds chosen records in the processor until the test lets them go, so tests can put the
runner in a state (records in flight, a full window, a revocation mid-work) and check what it does.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import structlog
from confluent_kafka import TopicPartition
from prometheus_client import CollectorRegistry

from bcx.kafka.producer import Delivered, Headers
from consumers.stream.assembly import retry_setup
from consumers.stream.consumer import ConsumedMessage
from consumers.stream.dead_letters import Rerouter
from consumers.stream.dlq_limit import DlqLimit
from consumers.stream.errors import PermanentError
from consumers.stream.executor import Executor
from consumers.stream.handling import RecordHandler
from consumers.stream.memory_consumer import MemoryBroker, MemoryConsumer
from consumers.stream.metrics import RuntimeMetrics
from consumers.stream.processor import RecordContext
from consumers.stream.records import SourceRecord
from consumers.stream.runner import ConsumerRunner
from consumers.stream.settings import RuntimeSettings

GUARD_S = 30.0  # a hang fails the test; never a measured time


def until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + GUARD_S
    while not done():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.005)


class MemorySender:
    """The runtime's ``Sender`` into the memory broker (dead letters, retry records)."""

    def __init__(self, broker: MemoryBroker) -> None:
        self._broker = broker

    async def send(
        self, topic: str, value: bytes | None, key: bytes | str | None = None, headers: Headers | None = None
    ) -> Delivered:
        self._broker.create_topic(topic, 1)
        raw_key = key.encode() if isinstance(key, str) else key
        offset = self._broker.produce(topic, value, raw_key, partition=0, headers=list(headers or ()))
        return Delivered(topic, 0, offset)


class Gate:
    """The processor: records whose value is in ``held`` wait until released; ``fail`` ones fail for good."""

    def __init__(self, held: set[bytes] | None = None, fail: set[bytes] | None = None) -> None:
        self.held = set(held or ())
        self.fail = set(fail or ())
        self.started: list[bytes] = []
        self.finished: list[bytes] = []
        self.running = 0
        self.most_running = 0  # the most calls that ever ran at once
        self.tasks: dict[bytes, asyncio.Task[Any] | None] = {}  # the task each record ran in
        self.contexts: dict[bytes, dict[str, Any]] = {}  # the log context each record started with
        self._open = asyncio.Event()
        self.loop: asyncio.AbstractEventLoop | None = None  # the executor's, set by TwinRuntime

    def release(self) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self._open.set)

    async def process(self, value: bytes, ctx: RecordContext) -> None:
        self.started.append(value)
        self.tasks[value] = asyncio.current_task()
        self.contexts[value] = structlog.contextvars.get_contextvars()
        structlog.contextvars.bind_contextvars(gate_value=value.decode())  # as a processor binds its ids
        if value in self.fail:
            raise PermanentError("refused", error_class="test.refused")
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            if value in self.held:
                await self._open.wait()
            await asyncio.sleep(0)  # let the other released calls run alongside
        finally:
            self.running -= 1
        self.finished.append(value)


class RecordingConsumer(MemoryConsumer):
    """The twin, remembering every offset committed (to show what was never committed) and every
    ``consume`` call's ``(num_messages, timeout)``."""

    commits: list[tuple[str, int, int]]
    consumes: list[tuple[int, float]]

    def consume(self, num_messages: int = 1, timeout: float = -1) -> list[ConsumedMessage]:
        self.consumes.append((num_messages, timeout))
        return super().consume(num_messages, timeout)

    def commit(self, *, offsets: list[TopicPartition], asynchronous: bool = True) -> Any:
        self.commits.extend((p.topic, p.partition, p.offset) for p in offsets)
        return super().commit(offsets=offsets, asynchronous=asynchronous)  # type: ignore[call-overload]


class TwinRuntime:
    """The runner in a thread, on ``broker``; ``stop()`` is SIGTERM and returns the exit code."""

    def __init__(self, broker: MemoryBroker, topics: list[str], gate: Gate, **settings: Any) -> None:
        self.group = "bcx-twin"
        self.settings = RuntimeSettings(**{"commit_interval_s": 0.01, "retry_topic_rounds": 0, **settings})
        self.registry = CollectorRegistry()
        metrics = RuntimeMetrics(self.registry, self.group)
        handler = RecordHandler(
            group=self.group,
            decoder=_value_of,
            processor=gate,
            rerouter=Rerouter(
                MemorySender(broker), group=self.group, dlq_topic="bcx-twin.dlq.v1", retry_topic=None
            ),
            retry=retry_setup(self.settings),
            dlq_limit=DlqLimit(self.settings.dlq_max_count, self.settings.dlq_window_s),
            metrics=metrics,
            attempt_timeout_s=self.settings.attempt_timeout_s,
        )
        self.executor: Executor[bytes] = Executor(
            handler, metrics=metrics, ordered=self.settings.ordered, max_in_flight=self.settings.max_in_flight
        ).start()
        gate.loop = self.executor.loop
        self.consumer: RecordingConsumer | None = None

        def factory(config: dict[str, Any]) -> RecordingConsumer:
            self.consumer = RecordingConsumer(broker, str(config["group.id"]))
            self.consumer.commits = []
            self.consumer.consumes = []
            return self.consumer

        self.runner = ConsumerRunner(
            consumer_config={"group.id": self.group},
            topics=topics,
            executor=self.executor,
            settings=self.settings,
            metrics=metrics,
            consumer_factory=factory,
        )
        self.code: int | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self.code = self.runner.run()

    def held(self) -> float:
        """Records the runner has handed to the executor (running or waiting), from its gauge."""
        return self.registry.get_sample_value("bcx_consumer_in_flight_records", {"group": self.group}) or 0.0

    def stop(self) -> int | None:
        self.runner.shutdown.set()
        self._thread.join(GUARD_S)
        self.executor.stop()
        return self.code


def _value_of(record: SourceRecord) -> bytes:
    return record.value or b""
