"""The processing side: an asyncio loop in its own thread runs records (each record's attempts, retries
and reroutes: :mod:`consumers.stream.handling`), a window of them at once, one key at a time.

Why a thread for asyncio and the poll loop on the main thread: librdkafka runs rebalance callbacks inside
``poll``/``consume`` on the calling thread, and revocation must *block* there until in-flight records of the
revoked partitions finish. Were both on one event loop, that wait would stop the very work it waits for.
So the poll loop (:mod:`consumers.stream.runner`) owns the consumer and offsets; this executor owns the
event loop, the per-key scheduler and every task, and reports each finished record back through a
thread-safe queue. Signals are handled on the main thread, where Python delivers them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import operator
import queue
import threading
import time
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, Generic, NamedTuple, TypeVar

from bcx.logging import EVENT_ID_HEADER, get_logger, start_record_context
from consumers.stream.dispatch import Dispatcher
from consumers.stream.errors import DlqCapExceeded
from consumers.stream.handling import RecordHandler
from consumers.stream.holding import record_bytes
from consumers.stream.metrics import RuntimeMetrics
from consumers.stream.records import SourceRecord, TopicPartition
from consumers.stream.transactions import TransactionAborted

log = get_logger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class Completion(NamedTuple):
    """A record is finished (its offset may be committed) — or ``abandoned`` (it must not be).

    A named tuple, not a frozen dataclass: one is made per record, and a frozen dataclass's ``__init__``
    sets each field through ``object.__setattr__``."""

    tp: TopicPartition
    offset: int
    abandoned: bool = False
    size: int = 0  # what holding the record cost (``holding.record_bytes``), given back to the budget


YIELD_EVERY = 64  # records a task runs back to back before it lets the loop's other callbacks run


def _new_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop where it is installed (a dependency off Windows; the bridge runs on it too): its
    timers, callbacks and cross-thread wake-ups are C, and they are most of the per-record cost of
    processing (29 → 21 µs CPU per record in an executor-only run, an ad-hoc script not kept; the peers
    suite's window-2,048 rows show the whole step)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


# C getters, not Python functions: the dispatcher asks for a record's key three times per record
_tp_of: Callable[[SourceRecord], Hashable] = operator.attrgetter("tp")
_key_of: Callable[[SourceRecord], Hashable] = operator.attrgetter("key")


class Executor(Generic[T]):
    """Runs ``handler``'s records on the processing loop: at most ``max_in_flight`` at once, one per key
    when ``ordered``."""

    def __init__(
        self,
        handler: RecordHandler[T],
        *,
        metrics: RuntimeMetrics,
        ordered: bool = True,
        max_in_flight: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.group = handler.group
        self._handler = handler
        self._metrics = metrics
        self._clock = clock
        # finished records go back in batches, one per turn of the processing loop (not one put per record)
        self.completions: queue.SimpleQueue[list[Completion]] = queue.SimpleQueue()
        self._finishing: list[Completion] = []
        self._ok = 0  # records finished "ok" since the last hand-back
        self.fatal: BaseException | None = None
        self.on_fatal: Callable[[BaseException], None] = lambda exc: None
        # calls in flight are bounded here; records held (running or waiting) by the runner's budget
        self._max_in_flight = max_in_flight
        self._dispatch: Dispatcher[SourceRecord] = Dispatcher(
            _key_of, _tp_of, limit=max_in_flight, ordered=ordered
        )
        self._tasks: dict[asyncio.Task[None], SourceRecord] = {}  # each running record, by its task
        self._loop = _new_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="bcx-processing", daemon=True)

    # lifecycle (called from the poll thread)
    def start(self) -> Executor[T]:
        self._thread.start()
        return self

    def run(self, coro: Coroutine[Any, Any, R], timeout: float | None = None) -> R:
        """Run ``coro`` on the processing loop and wait for its result (from another thread)."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def stop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def alive(self) -> bool:
        return self._thread.is_alive()

    def submit(self, records: list[SourceRecord]) -> None:
        """Hand records over (thread-safe); each eventually yields one :class:`Completion`."""
        if records:
            self._loop.call_soon_threadsafe(self._admit_all, records)

    def abandon(self, partitions: set[TopicPartition], timeout: float) -> None:
        """Cancel the work of partitions we no longer own (revocation deadline passed, or lost)."""
        try:
            self.run(self._abandon(partitions), timeout)
        except (TimeoutError, concurrent.futures.TimeoutError):
            log.error("runtime.abandon_timeout", partitions=sorted(partitions))

    def abandon_all(self, timeout: float) -> None:
        """Cancel every record's work (a failed transaction: all of it since the last commit is redone)."""
        try:
            self.run(self._abandon(None), timeout)
        except (TimeoutError, concurrent.futures.TimeoutError):
            log.error("runtime.abandon_timeout", partitions="all")

    # on the processing loop
    def _admit_all(self, records: list[SourceRecord]) -> None:
        for record in self._dispatch.admit(records):
            self._start(record)

    def _start(self, record: SourceRecord) -> None:
        task = self._loop.create_task(self._work(record))
        self._tasks[task] = record
        # The bookkeeping of a record the task never finished lives in a done-callback: a task cancelled
        # before its first step never runs its body, and its record would then stay "in flight" for good
        # (its window slot and its key's turn lost — the stall seen after a broker restart).
        task.add_done_callback(self._ended)

    async def _work(self, record: SourceRecord) -> None:
        """Run ``record``, then the ready records after it, back to back, for as long as there are any.

        Under load one task serves a run of records instead of a task each: a task's creation, its
        registration and its done-callback were ~1.5-2 µs of the ~14 µs a record cost in an executor-only
        run (an ad-hoc script, not kept). A key's next record usually goes on in the task of the one
        before. A task whose record was cancelled (revocation, shutdown) ends there, so whoever cancelled
        it can wait for it; the records after it go to new tasks."""
        task = asyncio.current_task()
        assert task is not None
        tasks = self._tasks
        ran = 0
        while True:
            finished = await self._run(record, task)
            del tasks[task]
            self._report(Completion(record.tp, record.offset, not finished, record_bytes(record)))
            following = self._dispatch.finished(record)
            if not following:
                return
            if task.cancelling():
                for other in following:
                    self._start(other)
                return
            record = following[0]
            tasks[task] = record
            for other in following[1:]:
                self._start(other)
            ran += 1
            if ran % YIELD_EVERY == 0:
                # a processor that never suspends (records dead-lettered at once, say) would otherwise
                # run every ready record in one step, and hand nothing back until the run ends; a
                # cancellation landing here ends the task, and ``_ended`` reports ``record`` abandoned
                await asyncio.sleep(0)

    def _ended(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("runtime.task_failed", error=repr(exc))  # a bug in the runtime itself: stop
            self._trip(exc)
        record = self._tasks.pop(task, None)
        if record is None:  # it reported every record it ran
            return
        self._report(Completion(record.tp, record.offset, True, record_bytes(record)))
        for following in self._dispatch.finished(record):
            self._start(following)

    async def _abandon(self, partitions: set[TopicPartition] | None) -> None:
        if partitions is None:
            partitions = {r.tp for r in self._tasks.values()} | {
                tp for tp in self._dispatch.partitions() if isinstance(tp, tuple)
            }
        for record in self._dispatch.drop(set(partitions)):
            self._report(Completion(record.tp, record.offset, True, record_bytes(record)))
        for following in self._dispatch.take():  # a key's next record, of a partition we keep
            self._start(following)
        doomed = [t for t, r in self._tasks.items() if r.tp in partitions]
        for task in doomed:
            task.cancel()
        await asyncio.gather(*doomed, return_exceptions=True)
        self._hand_back()  # the caller collects right after this returns

    def _report(self, completion: Completion) -> None:
        if not self._finishing:
            self._loop.call_soon(self._hand_back)
        self._finishing.append(completion)

    def _hand_back(self) -> None:
        if self._ok:
            self._metrics.outcome("ok", self._ok)
            self._ok = 0
        if self._finishing:
            batch, self._finishing = self._finishing, []
            self.completions.put(batch)

    async def _run(self, record: SourceRecord, task: asyncio.Task[None]) -> bool:
        """Process ``record`` in ``task``; True when it finished (its offset may be committed)."""
        start_record_context(record.header(EVENT_ID_HEADER))  # its lines carry its event id, nothing older
        started = self._clock()
        try:
            outcome = await self._handler.handle(record, task)
        except asyncio.CancelledError:
            log.warning(
                "runtime.record_abandoned",
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
            )
            return False
        except DlqCapExceeded as exc:
            self._trip(exc)
            return False
        except TransactionAborted:
            # a dead letter or retry record refused by a failed transaction: the runner recovers and
            # redoes this record with everything else that transaction held
            log.warning("runtime.record_abandoned_txn", topic=record.topic, offset=record.offset)
            return False
        except Exception as exc:  # a bug in the runtime itself: stop rather than skip the record
            log.exception("runtime.unexpected_failure", topic=record.topic, offset=record.offset)
            self._trip(exc)
            return False
        if outcome == "ok":
            self._ok += 1  # counted at the hand-back, once per turn of the loop, not a lock per record
        else:
            self._metrics.outcome(outcome)
        self._metrics.processing_seconds.observe(self._clock() - started)
        return True

    def _trip(self, exc: BaseException) -> None:
        if self.fatal is None:
            self.fatal = exc
            # nothing new starts, and what only waited is given back at once (uncommitted: the next run
            # does it), so the shutdown drain waits for the running calls, not for its deadline
            self._dispatch.hold()
            for record in self._dispatch.drop(self._dispatch.partitions()):
                self._report(Completion(record.tp, record.offset, True, record_bytes(record)))
            self.on_fatal(exc)

    def saturated(self) -> bool:
        """Every slot of the window is running (read from the poll thread: a moment's view)."""
        limit = self._max_in_flight
        return limit is not None and self._dispatch.running >= limit

    def in_flight_tasks(self) -> int:
        return len(self._tasks)

    def waiting(self) -> int:
        """Records held but not running (behind their key or for a slot); read on the processing loop."""
        return self._dispatch.waiting
