"""Delivery reports handed to asyncio in batches: one wake-up of the awaiting loop per poll, not per record.

Why: a send used to be a ``concurrent.futures.Future`` (a lock and a condition per record) wrapped by
``asyncio.wrap_future``, whose result crossed threads with one ``call_soon_threadsafe`` (a write to the
loop's self-pipe) per record — about a third of a consumer's CPU at a few thousand records/s. Now a send
is a plain ``asyncio.Future`` of the awaiting loop; the delivery callback (on whichever thread serves
librdkafka's queue: the poll thread, or a flush) only appends to a deque, and the poll thread hands
everything a ``poll`` served to each loop in one call.

A delivery callback must never raise (it runs on the producer's poll thread, whose death would stop
every later delivery report): it appends and returns. A future cancelled meanwhile (its task abandoned)
is skipped when the batch is applied, on its own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

D = TypeVar("D")

_Report = tuple["asyncio.Future[Any]", Any, Any]


class DeliveryBatcher(Generic[D]):
    """Resolves sends' futures from delivery reports; :meth:`flush` after every ``poll``/``flush``."""

    def __init__(
        self,
        delivered: Callable[[Any], D],
        failed: Callable[[Any], BaseException],
        on_error: Callable[[Any], None] | None = None,
    ) -> None:
        self._delivered = delivered  # message -> result (called on the awaiting loop)
        self._failed = failed  # librdkafka error -> exception set on the future
        self._on_error = on_error  # called at once on the serving thread (must not raise)
        self._reports: deque[_Report] = deque()

    def future(self, loop: asyncio.AbstractEventLoop) -> tuple[asyncio.Future[D], Callable[[Any, Any], None]]:
        """A future of ``loop`` and the ``on_delivery`` callback that resolves it (through :meth:`flush`)."""
        future: asyncio.Future[D] = loop.create_future()
        reports = self._reports
        on_error = self._on_error

        def on_delivery(err: Any, msg: Any) -> None:
            if err is not None and on_error is not None:
                on_error(err)
            reports.append((future, err, msg))

        return future, on_delivery

    def flush(self) -> int:
        """Hand the reports served so far to their loops (one call per loop); how many there were."""
        reports = self._reports
        if not reports:
            return 0
        by_loop: dict[asyncio.AbstractEventLoop, list[_Report]] = {}
        count = 0
        while True:
            try:
                report = reports.popleft()
            except IndexError:
                break
            count += 1
            loop = report[0].get_loop()
            batch = by_loop.get(loop)
            if batch is None:
                by_loop[loop] = [report]
            else:
                batch.append(report)
        for loop, batch in by_loop.items():
            with contextlib.suppress(RuntimeError):  # the loop is closed (shutdown): nobody awaits
                loop.call_soon_threadsafe(self._apply, batch)
        return count

    def _apply(self, batch: list[_Report]) -> None:
        """On the awaiting loop: resolve every future of ``batch`` that is still wanted."""
        for future, err, msg in batch:
            if future.done():  # cancelled: its task gave up
                continue
            if err is not None:
                future.set_exception(self._failed(err))
            else:
                future.set_result(self._delivered(msg))
