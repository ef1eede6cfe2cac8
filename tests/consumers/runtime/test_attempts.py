"""The attempt deadline kept by one sweep: an expired attempt ends as a timeout, nothing else changes."""

from __future__ import annotations

import asyncio

import pytest

from consumers.stream.attempts import AttemptDeadlines


def _running_task() -> asyncio.Task[object]:
    task = asyncio.current_task()
    assert task is not None
    return task


class TestAttemptDeadlines:
    def test_an_attempt_past_its_deadline_ends_in_timeout_and_says_so(self) -> None:
        """An attempt that never returns is cancelled by the sweep once the clock passes its deadline; the
        cancellation is the deadline's (``timed_out``), is taken back, and the task goes on uncancelled."""
        now = [0.0]
        deadlines = AttemptDeadlines(0.05, clock=lambda: now[0])

        async def attempt() -> str:
            task = _running_task()
            deadlines.start(task)
            try:
                now[0] = 1.0  # past the deadline before the first sweep
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                if not deadlines.timed_out(task):
                    raise
                assert deadlines.expired(task)
                assert task.cancelling() == 0
                await asyncio.sleep(0)  # the task runs on: the cancellation was taken back
                return "timed out"
            finally:
                deadlines.end(task)
            assert not deadlines.expired(task)  # ended: nothing of the attempt stays
            return "returned"

        assert asyncio.run(attempt()) == "timed out"

    def test_an_attempt_within_its_deadline_is_left_alone(self) -> None:
        """An attempt returning before its deadline returns its result; nothing is cancelled."""
        deadlines = AttemptDeadlines(60.0)

        async def attempt() -> str:
            task = _running_task()
            deadlines.start(task)
            try:
                await asyncio.sleep(0)
                assert not deadlines.expired(task)
            finally:
                deadlines.end(task)
            return "ok"

        assert asyncio.run(attempt()) == "ok"

    def test_a_cancellation_from_elsewhere_stays_a_cancellation(self) -> None:
        """A task cancelled by its owner (a revocation) inside an attempt is cancelled, not timed out."""
        deadlines = AttemptDeadlines(60.0)
        verdicts: list[bool] = []

        async def main() -> None:
            started = asyncio.Event()

            async def attempt() -> None:
                task = _running_task()
                deadlines.start(task)
                try:
                    started.set()
                    await asyncio.Event().wait()
                except asyncio.CancelledError:
                    verdicts.append(deadlines.timed_out(task))
                    raise
                finally:
                    deadlines.end(task)

            task = asyncio.create_task(attempt())
            await started.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        asyncio.run(main())
        assert verdicts == [False]
