"""The deadline no processing attempt outlives, kept with one timer for all attempts.

Why not ``asyncio.timeout`` per attempt: each one schedules (and cancels) a ``TimerHandle`` on the loop's
heap — ~9 % of a consumer's CPU at a few thousand records/s for a deadline of minutes that almost never
fires. Here an attempt registers its task and deadline in a dict; one sweep every ``tick_s`` (1 s, or a
tenth of the deadline if that is shorter) cancels the tasks past theirs. The attempt then ends with
``TimeoutError`` exactly as under ``asyncio.timeout`` (the cancellation it caused is taken back with
``uncancel``; a cancellation from elsewhere — a revocation — stays a cancellation). The deadline is
honoured within ``tick_s``.

Plain calls (:meth:`AttemptDeadlines.start`, :meth:`Attempt.end`, :meth:`Attempt.timed_out`) rather than an
``async with``: an asynchronous context manager costs two more coroutines per record on the hot path.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


class AttemptDeadlines:
    """Owned by the processing loop. Per attempt::

    attempt = deadlines.start(task)
    try:
        await work()
    except asyncio.CancelledError:
        if not attempt.timed_out():
            raise
        ...  # the deadline's: a TimeoutError, as asyncio.timeout would raise
    finally:
        attempt.end()
    """

    def __init__(self, timeout_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout_s = timeout_s
        self._clock = clock
        self._tick_s = min(1.0, timeout_s / 10)
        self._running: dict[asyncio.Task[Any], Attempt] = {}
        self._timer: asyncio.TimerHandle | None = None

    def start(self, task: asyncio.Task[Any]) -> Attempt:
        """Register an attempt of ``task`` (the running one); :meth:`Attempt.end` closes it."""
        attempt = Attempt(self, task, self._clock() + self.timeout_s)
        self._running[task] = attempt
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._tick_s, self._sweep)
        return attempt

    def _leave(self, task: asyncio.Task[Any]) -> None:
        self._running.pop(task, None)

    def _sweep(self) -> None:
        self._timer = None
        now = self._clock()
        for task, attempt in list(self._running.items()):
            if attempt.deadline <= now:
                del self._running[task]
                attempt.expire()
        if self._running:
            self._timer = asyncio.get_running_loop().call_later(self._tick_s, self._sweep)


class Attempt:
    __slots__ = ("_cancelling", "_expired", "_owner", "_task", "deadline")

    def __init__(self, owner: AttemptDeadlines, task: asyncio.Task[Any], deadline: float) -> None:
        self._owner = owner
        self._task = task
        self._cancelling = task.cancelling()
        self._expired = False
        self.deadline = deadline

    def expired(self) -> bool:
        """The attempt ran past its deadline (its failure is the deadline's, not its own)."""
        return self._expired

    def expire(self) -> None:
        self._expired = True
        self._task.cancel()

    def timed_out(self) -> bool:
        """For a ``CancelledError`` caught inside the attempt: True when the deadline caused it (the
        cancellation is taken back, so the task goes on); False when it came from elsewhere (re-raise it)."""
        return self._expired and self._task.uncancel() <= self._cancelling

    def end(self) -> None:
        self._owner._leave(self._task)
