"""The simplest per-record concurrent at-least-once consumer: a bare asyncio loop, one task per record.

The gather loop's batch waits for its slowest call, so its latency says more about the barrier than about
what a consumer must add to a call. This loop is the fair floor for that: it takes whatever records the
client has queued (``consume(free, 0)``, never blocking), starts a task per record (sleep ``d``, produce the
result), serves delivery reports on the same thread, and every second commits each partition's prefix of
records whose result the broker acknowledged (at least once). No per-key order; at most ``window`` records
in flight. When nothing is queued it sleeps 1 ms: that tick bounds what it adds while costing some CPU.
Run through ``python -m benchmarks.peers_workers tasks``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

COMMIT_INTERVAL_S = 1.0
TICK_S = 0.001


@dataclass
class Slot:
    offset: int
    done: bool = False


class Finished:
    """Per partition, which handed-out offsets are done; the committable offset is the done prefix's end."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, int], deque[Slot]] = {}

    def handed_out(self, tp: tuple[str, int], offset: int) -> Slot:
        slot = Slot(offset)
        self._pending.setdefault(tp, deque()).append(slot)  # the client hands a partition out in order
        return slot

    def committable(self) -> dict[tuple[str, int], int]:
        """Each partition whose done prefix grew: the offset to commit (one past its last done record)."""
        out: dict[tuple[str, int], int] = {}
        for tp, slots in self._pending.items():
            while slots and slots[0].done:
                out[tp] = slots.popleft().offset + 1
        return out


def run(args: argparse.Namespace) -> None:
    from confluent_kafka import KafkaError, TopicPartition

    from benchmarks.peers_workers import loop_clients

    consumer, producer, stop = loop_clients(args)
    finished = Finished()
    running = 0

    def commit(*, final: bool = False) -> None:
        offsets = [TopicPartition(t, p, o) for (t, p), o in finished.committable().items()]
        if offsets and final:
            consumer.commit(offsets=offsets, asynchronous=False)
        elif offsets:
            consumer.commit(offsets=offsets, asynchronous=True)

    async def one(msg: Any, slot: Slot) -> None:
        nonlocal running
        await asyncio.sleep(json.loads(msg.value())["d"])

        def acked(err: KafkaError | None, _: Any) -> None:
            nonlocal running
            running -= 1
            if err is None:
                slot.done = True  # acknowledged: its offset may be committed
            else:
                stop.set()  # never committed past: it is consumed again by the next run

        producer.produce(args.output, msg.value(), key=msg.key(), on_delivery=acked)

    async def loop() -> None:
        nonlocal running
        tasks: set[asyncio.Task[None]] = set()
        last_commit = time.monotonic()
        while not stop.is_set():
            free = args.window - running
            msgs: list[Any] = [m for m in consumer.consume(free, 0) if m.error() is None] if free > 0 else []
            for msg in msgs:
                running += 1
                task = asyncio.create_task(
                    one(msg, finished.handed_out((msg.topic(), msg.partition()), msg.offset()))
                )
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            producer.poll(0)  # delivery reports, on this thread
            if time.monotonic() - last_commit >= COMMIT_INTERVAL_S:
                commit()
                last_commit = time.monotonic()
            await asyncio.sleep(0 if msgs else TICK_S)
        await asyncio.gather(*tasks)

    asyncio.run(loop())
    producer.flush(30)
    commit(final=True)
    consumer.close()
