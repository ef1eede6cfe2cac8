"""The deadline no processing attempt outlives, kept with one timer for all attempts.

Why not ``asyncio.timeout`` per attempt: each one schedules (and cancels) a ``TimerHandle`` on the loop's
heap — ~9 % of a consumer's CPU at a few thousand records/s for a deadline of minutes that almost never
fires. Here an attempt registers its task and deadline in a dict; one sweep every ``tick_s`` (1 s, or a
tenth of the deadline if that is shorter) cancels the tasks past theirs. The attempt then ends with
``TimeoutError`` exactly as under ``asyncio.timeout`` (the cancellation it caused is taken back with
``uncancel``; a cancellation from elsewhere — a revocation — stays a cancellation). The deadline is
honoured within ``tick_s``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import TracebackType


class AttemptDeadlines:
    """Owned by the processing loop; :meth:`attempt` is used as ``async with deadlines.attempt() as a``."""

    def __init__(self, timeout_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout_s = timeout_s
        self._clock = clock
        self._tick_s = min(1.0, timeout_s / 10)
        self._running: dict[asyncio.Task[object], Attempt] = {}
        self._timer: asyncio.TimerHandle | None = None

    def attempt(self) -> Attempt:
        return Attempt(self)

    def _enter(self, task: asyncio.Task[object], attempt: Attempt) -> None:
        self._running[task] = attempt
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._tick_s, self._sweep)

    def _leave(self, task: asyncio.Task[object]) -> None:
        self._running.pop(task, None)

    def _sweep(self) -> None:
        self._timer = None
        now = self._clock()
        for task, attempt in list(self._running.items()):
            if attempt.deadline <= now:
                del self._running[task]
                attempt.expire(task)
        if self._running:
            self._timer = asyncio.get_running_loop().call_later(self._tick_s, self._sweep)


class Attempt:
    __slots__ = ("_cancelling", "_expired", "_owner", "_task", "deadline")

    def __init__(self, owner: AttemptDeadlines) -> None:
        self._owner = owner
        self._task: asyncio.Task[object] | None = None
        self._cancelling = 0
        self._expired = False
        self.deadline = 0.0

    def expired(self) -> bool:
        """The attempt ran past its deadline (its failure is the deadline's, not its own)."""
        return self._expired

    def expire(self, task: asyncio.Task[object]) -> None:
        self._expired = True
        task.cancel()

    async def __aenter__(self) -> Attempt:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("an attempt deadline must be used inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        self.deadline = self._owner._clock() + self._owner.timeout_s
        self._owner._enter(task, self)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        task = self._task
        assert task is not None
        self._owner._leave(task)
        if self._expired and exc_type is asyncio.CancelledError and task.uncancel() <= self._cancelling:
            raise TimeoutError from exc
