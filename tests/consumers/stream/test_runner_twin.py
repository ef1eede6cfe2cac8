"""The poll loop's behaviour on the in-memory twin (the real runner and executor, no broker): commits of
the finished prefix only, pausing on a full window and resuming after it, revocation mid-work, dead
letters. Behavioural: every wait is for a state, never a measured time."""

from __future__ import annotations

import asyncio
import queue

from consumers.stream.executor import YIELD_EVERY, Completion
from consumers.stream.memory_consumer import MemoryBroker
from consumers.stream.processor import RecordContext
from consumers.stream.settings import RuntimeSettings
from tests.consumers.stream.harness import Gate, RecordingConsumer, TwinRuntime, until
from tests.consumers.stream.twins import Member


def values(partition: int, count: int) -> list[bytes]:
    return [f"p{partition}-{i}".encode() for i in range(count)]


def fill(broker: MemoryBroker, topic: str, partitions: int, count: int) -> None:
    for p in range(partitions):
        for value in values(p, count):
            broker.produce(topic, value, value, partition=p)


class TestCommits:
    def test_only_the_finished_prefix_is_committed(self) -> None:
        """With record 2 of 10 still running, no commit passes offset 2; once it finishes, all 10 are."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 1)
        fill(broker, topic, 1, 10)
        gate = Gate(held={b"p0-2"})
        runtime = TwinRuntime(broker, [topic], gate)
        until(lambda: len(gate.finished) == 9, "the other nine finished")
        until(lambda: broker.committed_offset(runtime.group, topic, 0) == 2, "the prefix committed")
        assert runtime.consumer is not None
        held_commits = list(runtime.consumer.commits)
        gate.release()
        until(lambda: broker.committed_offset(runtime.group, topic, 0) == 10, "everything committed")
        assert runtime.stop() == 0
        assert max(offset for _, _, offset in held_commits) == 2
        assert sorted(gate.finished) == sorted(values(0, 10))

    def test_a_drained_runner_commits_without_waiting_for_the_interval(self) -> None:
        """Once every record held has finished, their offsets are committed at once, though the commit
        interval is an hour: the end of a burst is not left uncommitted (and unseen) for an interval."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 2)
        fill(broker, topic, 2, 5)
        runtime = TwinRuntime(broker, [topic], Gate(), commit_interval_s=3600)
        until(
            lambda: [broker.committed_offset(runtime.group, topic, p) for p in (0, 1)] == [5, 5],
            "everything committed",
        )
        assert runtime.stop() == 0


class TestReplayBound:
    def test_a_partition_behind_a_slow_head_pauses_at_the_bound_and_resumes_when_it_finishes(self) -> None:
        """What a crash would make the next owner redo is bounded: with its first record held, a partition
        is paused once ``max_uncommitted_per_partition`` records are past its committable offset, and
        nothing more of it is taken until the head finishes."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 1)
        fill(broker, topic, 1, 20)
        gate = Gate(held={b"p0-0"})
        runtime = TwinRuntime(broker, [topic], gate, max_uncommitted_per_partition=5, consume_batch=1)
        consumer = until_consumer(runtime)
        until(lambda: (topic, 0) in consumer.paused, "the partition paused")
        turns = len(consumer.consumes)
        until(lambda: len(consumer.consumes) > turns + 3, "more turns while paused")
        assert gate.started == values(0, 5)
        gate.release()
        until(lambda: len(gate.finished) == 20, "everything processed once the head finished")
        until(lambda: broker.committed_offset(runtime.group, topic, 0) == 20, "everything committed")
        assert runtime.stop() == 0

    def test_the_default_bound_is_1000_or_twice_the_window(self) -> None:
        """A bound below two windows paused partitions that still had free slots (docs/benchmarks.md)."""
        assert RuntimeSettings().replay_bound == 1000
        assert RuntimeSettings(max_in_flight=500).replay_bound == 1000
        assert RuntimeSettings(max_in_flight=2048).replay_bound == 4096
        assert RuntimeSettings(max_in_flight=2048, max_uncommitted_per_partition=300).replay_bound == 300


def until_consumer(runtime: TwinRuntime) -> RecordingConsumer:
    until(lambda: runtime.consumer is not None, "the consumer made")
    assert runtime.consumer is not None
    return runtime.consumer


class TestConsume:
    def test_only_the_first_record_is_waited_for_never_a_batch(self) -> None:
        """librdkafka's ``consume(n, timeout)`` returns early only once it has n records, so a record
        reaching an idle consumer would wait out the whole timeout: whether idle or busy, the runner waits
        for one record at most and takes whatever else is there without waiting."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 1)
        gate = Gate()
        runtime = TwinRuntime(broker, [topic], gate)
        until(lambda: runtime.consumer is not None and len(runtime.consumer.consumes) > 3, "idle turns")
        fill(broker, topic, 1, 5)
        until(lambda: len(gate.finished) == 5, "the records processed")
        assert runtime.stop() == 0
        assert runtime.consumer is not None
        waited = [n for n, timeout in runtime.consumer.consumes if timeout != 0]
        assert waited
        assert set(waited) == {1}


class TestRefill:
    def test_with_every_slot_busy_the_runner_waits_for_room_worth_a_consume(self) -> None:
        """Budget 44 (window 4 + 40 waiting), a consume worth 10: with the budget full and every slot
        busy, records finishing one by one do not make the runner take them one by one (each batch
        would only wait for a slot); its next consume asks for 10 records or more."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 1)
        fill(broker, topic, 1, 100)
        gate = Stepper()
        runtime = TwinRuntime(broker, [topic], gate, max_in_flight=4, max_waiting_records=40)
        consumer = until_consumer(runtime)
        until(lambda: runtime.held() == 44 and len(gate.started) == 4, "the budget full, every slot busy")
        before = len(consumer.consumes)
        for n in range(1, 13):
            gate.step(gate.started[n - 1])
            until(lambda: len(gate.finished) == n, f"record {n} finished")  # noqa: B023 (waited for here)
        until(lambda: runtime.held() > 32, "room refilled")
        consumed = [wanted for wanted, timeout in consumer.consumes[before:] if timeout == 0]
        gate.step_all()
        until(lambda: len(gate.finished) == 100, "everything processed")
        assert runtime.stop() == 0
        assert consumed
        assert min(consumed) >= 10


class Stepper(Gate):
    """A processor whose records each wait until the test lets that one finish."""

    def __init__(self) -> None:
        super().__init__()
        self._steps: dict[bytes, asyncio.Event] = {}
        self._all = False

    def _event(self, value: bytes) -> asyncio.Event:
        return self._steps.setdefault(value, asyncio.Event())

    def step(self, value: bytes) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(lambda: self._event(value).set())

    def step_all(self) -> None:
        assert self.loop is not None

        def everything() -> None:
            self._all = True
            for event in self._steps.values():
                event.set()

        self.loop.call_soon_threadsafe(everything)

    async def process(self, value: bytes, ctx: RecordContext) -> None:
        self.started.append(value)
        if not self._all:
            await self._event(value).wait()
        self.finished.append(value)


class TestTasks:
    def test_a_keys_ready_records_run_back_to_back_in_one_task_each_with_a_clean_context(self) -> None:
        """A record's end hands its slot to the next ready record in the same task (no task per record
        under load), and a record never starts with what the previous one bound for its log lines."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 1)
        chain = [f"k-{i}".encode() for i in range(5)]
        for value in chain:  # one key: each record is ready when the one before it ends
            broker.produce(topic, value, b"k", partition=0, headers=[("bcx.event_id", value)])
        gate = Gate()
        runtime = TwinRuntime(broker, [topic], gate)
        until(lambda: len(gate.finished) == 5, "the chain processed")
        assert runtime.stop() == 0
        assert gate.finished == chain
        assert len({id(gate.tasks[value]) for value in chain}) == 1
        assert [gate.contexts[value] for value in chain] == [{"event_id": v.decode()} for v in chain]

    def test_records_that_never_suspend_are_handed_back_while_their_run_goes_on(self) -> None:
        """A processor that awaits nothing runs a key's ready records back to back in one task; every
        ``YIELD_EVERY`` records the task lets the loop hand the finished ones back (the poll loop can
        commit them), instead of one hand-back when the whole run ends."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 1)
        gate = Eager()
        runtime = TwinRuntime(broker, [topic], gate)
        batches = CountingQueue()
        runtime.executor.completions = batches
        chain = [f"k-{i}".encode() for i in range(3 * YIELD_EVERY)]
        for value in chain:
            broker.produce(topic, value, b"k", partition=0)
        until(lambda: len(gate.finished) == len(chain), "the chain processed")
        assert runtime.stop() == 0
        assert gate.finished == chain
        assert sum(batches.sizes) == len(chain)
        assert max(batches.sizes) <= YIELD_EVERY


class Eager(Gate):
    """A processor that never suspends."""

    async def process(self, value: bytes, ctx: RecordContext) -> None:
        self.started.append(value)
        self.finished.append(value)


class CountingQueue(queue.SimpleQueue[list[Completion]]):
    """The executor's completion queue, remembering each hand-back's size."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def put(self, item: list[Completion], block: bool = True, timeout: float | None = None) -> None:
        self.sizes.append(len(item))
        super().put(item, block, timeout)


class TestBackpressure:
    def test_a_full_window_pauses_partitions_and_finishing_resumes_them(self) -> None:
        """With a window of 4 calls and no waiting buffer, 4 are handed out and both partitions paused; once
        they finish the partitions are resumed and all 20 records are processed and committed."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 2)
        fill(broker, topic, 2, 10)
        gate = Gate(held=set(values(0, 10) + values(1, 10)))
        runtime = TwinRuntime(broker, [topic], gate, max_in_flight=4, max_waiting_records=0, pause_after_s=0)
        until(lambda: runtime.consumer is not None and len(runtime.consumer.paused) == 2, "both paused")
        until(lambda: len(gate.started) >= 4, "the window handed out")
        assert len(gate.started) == 4
        gate.release()
        until(
            lambda: [broker.committed_offset(runtime.group, topic, p) for p in (0, 1)] == [10, 10],
            "everything committed",
        )
        assert runtime.consumer is not None
        until(lambda: runtime.consumer is not None and not runtime.consumer.paused, "resumed")
        assert runtime.stop() == 0
        assert sorted(gate.finished) == sorted(values(0, 10) + values(1, 10))

    def test_waiting_records_are_held_beyond_the_window_but_never_run_past_it(self) -> None:
        """A window of 2 calls with 6 waiting records: 2 run at once while the partitions are paused with
        the buffer full; releasing them runs everything, at most 2 at a time, all committed."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 2)
        fill(broker, topic, 2, 10)
        gate = Gate(held=set(values(0, 10) + values(1, 10)))
        runtime = TwinRuntime(broker, [topic], gate, max_in_flight=2, max_waiting_records=6, pause_after_s=0)
        until(lambda: runtime.consumer is not None and len(runtime.consumer.paused) == 2, "both paused")
        until(lambda: len(gate.started) >= 2 and runtime.held() == 8, "the window running, 6 waiting")
        assert len(gate.started) == 2
        gate.release()
        until(
            lambda: [broker.committed_offset(runtime.group, topic, p) for p in (0, 1)] == [10, 10],
            "everything committed",
        )
        assert runtime.stop() == 0
        assert sorted(gate.finished) == sorted(values(0, 10) + values(1, 10))
        assert gate.most_running == 2


class TestDispatchOrder:
    def test_the_key_with_the_longest_chain_held_starts_first_when_a_slot_frees(self) -> None:
        """With a window of 1 busy and three single-record keys fetched before a key with three records,
        the three-record key's chain runs first when the slot frees (longest chain first), then the
        others in arrival order; each key's records still run in offset order."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 1)
        order = [b"x", b"s1", b"s2", b"s3", b"h-0", b"h-1", b"h-2"]
        broker.produce(topic, b"x", b"x", partition=0)
        gate = Gate(held={b"x"})
        runtime = TwinRuntime(broker, [topic], gate, max_in_flight=1)
        until(lambda: gate.started == [b"x"], "x running")
        for value in order[1:]:
            broker.produce(topic, value, value.split(b"-")[0], partition=0)
        until(lambda: runtime.held() == len(order), "the other six held behind x")
        gate.release()
        until(lambda: broker.committed_offset(runtime.group, topic, 0) == len(order), "all committed")
        assert runtime.stop() == 0
        assert gate.started == [b"x", b"h-0", b"h-1", b"h-2", b"s1", b"s2", b"s3"]


class TestRebalance:
    def test_a_revoked_partition_is_drained_and_committed_before_it_moves(self) -> None:
        """A member joining while records run takes its partitions only after the runner finished and
        committed them: it starts after them, nothing is processed twice."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 2)
        fill(broker, topic, 2, 5)
        gate = Gate(held=set(values(0, 5) + values(1, 5)))
        runtime = TwinRuntime(broker, [topic], gate)
        until(lambda: len(gate.started) == 10, "all ten in flight")
        joiner = Member(broker.consumer({"group.id": runtime.group}), [topic])
        joiner.poll()  # joins; partition 1 stays with the runner while it drains
        assert joiner.assigned == set()
        gate.release()
        joiner.poll_until(lambda: joiner.assigned == {(topic, 1)})
        broker.produce(topic, b"p1-5", b"p1-5", partition=1)
        joiner.poll_until(lambda: bool(joiner.offsets(topic, 1)))
        assert joiner.offsets(topic, 1) == [5]
        assert runtime.stop() == 0
        assert sorted(gate.finished) == sorted(values(0, 5) + values(1, 5))

    def test_a_record_still_running_at_the_drain_deadline_is_redone_by_the_next_owner(self) -> None:
        """At the drain deadline the runner abandons what still runs and commits only the finished prefix,
        so the new owner of the partition gets the abandoned record again."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 2)
        fill(broker, topic, 2, 3)
        gate = Gate(held={b"p1-1"})
        runtime = TwinRuntime(broker, [topic], gate, drain_timeout_s=0.2)
        until(lambda: len(gate.finished) == 5, "all but the held one finished")
        joiner = Member(broker.consumer({"group.id": runtime.group}), [topic])
        joiner.poll_until(lambda: len(joiner.offsets(topic, 1)) >= 2)
        assert joiner.offsets(topic, 1) == [1, 2]
        assert broker.committed_offset(runtime.group, topic, 1) == 1
        assert b"p1-1" not in gate.finished
        assert runtime.stop() == 0


class TestDeadLetters:
    def test_a_permanent_failure_is_dead_lettered_and_committed(self) -> None:
        """A record that fails permanently goes to the group's DLQ with its error class, and the
        partition's offset moves past it."""
        broker = MemoryBroker()
        topic = broker.create_topic("in", 1)
        fill(broker, topic, 1, 3)
        gate = Gate(fail={b"p0-1"})
        runtime = TwinRuntime(broker, [topic], gate)
        until(lambda: broker.committed_offset(runtime.group, topic, 0) == 3, "everything committed")
        assert runtime.stop() == 0
        (dead,) = broker.logs["bcx-twin.dlq.v1"][0]
        assert dead.value() == b"p0-1"
        assert ("bcx.error.class", b"test.refused") in (dead.headers() or [])
