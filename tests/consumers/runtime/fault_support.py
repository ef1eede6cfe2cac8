"""Helpers for the fault tests: a gated processor, group membership, and a broker of the test's own."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confluent_kafka.admin import AdminClient

from bcx.local.fetch import fetch_all
from bcx.local.kafka_node import KafkaNode, free_port
from bcx.local.paths import LocalPaths
from bcx.settings import KafkaSettings
from consumers.runtime.app import Services, UseCase
from consumers.stream.processor import RecordContext
from consumers.stream.transactions import Sender
from tests.consumers.runtime.test_runtime_kafka import decode


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what} not reached in {timeout:.0f} s"
        time.sleep(0.1)


@dataclass
class Gate:
    """An asyncio gate created on the processing loop and opened from the test thread."""

    event: asyncio.Event | None = None
    loop: asyncio.AbstractEventLoop | None = None
    opened: threading.Event = field(default_factory=threading.Event)

    async def wait(self) -> None:
        if self.opened.is_set():
            return
        if self.event is None:
            self.event, self.loop = asyncio.Event(), asyncio.get_running_loop()
        await self.event.wait()

    def open(self) -> None:
        self.opened.set()
        if self.loop is not None and self.event is not None:
            self.loop.call_soon_threadsafe(self.event.set)


@dataclass
class Forwarder:
    """Waits at the gate, then sends each record's ``seq`` to ``out`` and awaits the broker's ack;
    ``transactional``: into the runtime's transaction (exactly once read committed) when it has one."""

    out: str
    gate: Gate = field(default_factory=Gate)
    delay_s: float = 0.0
    transactional: bool = False
    producer: Sender | None = None
    done: set[int] = field(default_factory=set)
    running: int = 0

    async def process(self, value: dict[str, Any], ctx: RecordContext) -> None:
        self.running += 1
        try:
            await self.gate.wait()
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            assert self.producer is not None
            await self.producer.send(self.out, str(value["seq"]).encode(), key=str(value["key"]))
            self.done.add(int(value["seq"]))
        finally:
            self.running -= 1

    def factory(self, topic: str) -> Callable[[Services], UseCase[dict[str, Any]]]:
        def build(services: Services) -> UseCase[dict[str, Any]]:
            txn = services.transactions if self.transactional else None
            self.producer = txn if txn is not None else services.producer
            return UseCase("forward", (topic,), decode, self)

        return build


def group_assignment(kafka: KafkaSettings, group: str, topic: str | None = None) -> dict[str, int]:
    """Partitions (of ``topic``, else of every topic) assigned per member of ``group``, as the broker
    describes it."""
    admin = AdminClient(kafka.client_config())
    description = admin.describe_consumer_groups([group])[group].result(timeout=10)
    return {
        member.member_id: sum(
            1 for tp in member.assignment.topic_partitions if topic is None or tp.topic == topic
        )
        if member.assignment
        else 0
        for member in description.members
    }


@contextmanager
def own_broker(run_dir: Path) -> Iterator[KafkaNode]:
    """A single-node Kafka of this test's own (free ports), so it may be killed without harming others."""
    paths = LocalPaths()
    fetch_all(paths)
    node = KafkaNode(paths, run_dir, port=free_port(), controller_port=free_port(), heap="512m")
    node.start()
    try:
        yield node
    finally:
        node.stop()


def kill_broker(node: KafkaNode) -> None:
    """SIGKILL the broker (no clean shutdown) and wait until it is gone."""
    process = node.process()
    pid = process.pid()
    assert pid is not None, "the test broker is not running"
    os.kill(pid, signal.SIGKILL)
    # reap our child ourselves: ManagedProcess.stop() would not (it sees no pid) and a Popen left
    # un-waited warns when the restart replaces it
    if process._popen is not None:
        process._popen.wait()
        process._popen = None
    wait_for(lambda: process.pid() is None, timeout=30, what="broker exit")
