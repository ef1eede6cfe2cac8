"""Awaiting Kafka delivery reports on the event loop, each for a bounded time, without per-request timers.

The producer resolves a ``concurrent.futures.Future`` per record on its poll thread. :class:`DeliveryWaits`
turns it into an asyncio future the handler awaits:

- reports are queued by the poll thread and applied by one loop callback per batch (``call_soon_threadsafe``
  only when no batch is already scheduled), instead of one cross-thread callback per record;
- the bound is enforced by one sweeper that runs every ``sweep_s`` while waits are pending, instead of a
  ``call_later`` timer armed and cancelled per record. The timeout is the same for every wait, so deadlines
  are queued in order and the sweeper only looks at the front. A wait therefore expires between
  ``timeout_s`` and ``timeout_s + sweep_s`` after it started.

Expiring (or cancelling) a wait never touches the producer's future: the record may still be stored, and
its late report is dropped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections import deque

from bcx.kafka.producer import Delivered


class DeliveryExpired(Exception):
    """No delivery report within the bound."""


class DeliveryWaits:
    """Bounded waits for delivery reports, for one event loop (create it on that loop)."""

    def __init__(self, timeout_s: float, *, sweep_s: float = 0.05) -> None:
        self._loop = asyncio.get_running_loop()
        self._timeout = timeout_s
        self._sweep_s = min(sweep_s, timeout_s)
        self._reports: deque[tuple[asyncio.Future[Delivered], concurrent.futures.Future[Delivered]]] = deque()
        self._batch_scheduled = False
        self._deadlines: deque[tuple[float, asyncio.Future[Delivered]]] = deque()
        self._sweeper: asyncio.TimerHandle | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    @property
    def sweeping(self) -> bool:
        """True while the sweeper is scheduled (only while waits are pending)."""
        return self._sweeper is not None

    def pending(self) -> int:
        """Waits not yet swept (resolved ones leave at the next sweep once they reach the front)."""
        return len(self._deadlines)

    async def wait(self, future: concurrent.futures.Future[Delivered]) -> Delivered:
        """The delivery ``future`` reports, or :class:`DeliveryExpired` after the bound."""
        waiter: asyncio.Future[Delivered] = self._loop.create_future()
        self._deadlines.append((self._loop.time() + self._timeout, waiter))
        if self._sweeper is None:
            self._sweeper = self._loop.call_later(self._sweep_s, self._sweep)

        def report(done: concurrent.futures.Future[Delivered]) -> None:  # on the poll thread
            self._reports.append((waiter, done))
            if not self._batch_scheduled:
                self._batch_scheduled = True
                # RuntimeError: the loop closed during shutdown, nobody is waiting any more
                with contextlib.suppress(RuntimeError):
                    self._loop.call_soon_threadsafe(self._apply_reports)

        future.add_done_callback(report)
        return await waiter

    def _apply_reports(self) -> None:
        # Cleared before draining: a report queued after the drain's last pop sees False and schedules
        # the next batch; one queued before it is drained here. Either way none is stranded.
        self._batch_scheduled = False
        reports = self._reports
        while reports:
            waiter, done = reports.popleft()
            if waiter.done():
                continue  # expired or cancelled already: the late outcome has nobody to tell
            error = done.exception()
            if error is not None:
                waiter.set_exception(error)
            else:
                waiter.set_result(done.result())

    def _sweep(self) -> None:
        now = self._loop.time()
        deadlines = self._deadlines
        while deadlines:
            deadline, waiter = deadlines[0]
            if not waiter.done():
                if deadline > now:
                    break
                waiter.set_exception(DeliveryExpired())
            deadlines.popleft()
        self._sweeper = self._loop.call_later(self._sweep_s, self._sweep) if deadlines else None
