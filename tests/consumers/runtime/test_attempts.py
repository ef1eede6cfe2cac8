"""The attempt deadline kept by one sweep: an expired attempt ends in TimeoutError, nothing else changes."""

from __future__ import annotations

import asyncio

import pytest

from consumers.stream.attempts import AttemptDeadlines


class TestAttemptDeadlines:
    def test_an_attempt_past_its_deadline_ends_in_timeout_and_says_so(self) -> None:
        """An attempt that never returns is cancelled by the sweep once the clock passes its deadline,
        and ends with TimeoutError (as under asyncio.timeout) with ``expired()`` true."""
        now = [0.0]
        deadlines = AttemptDeadlines(0.05, clock=lambda: now[0])

        async def attempt() -> bool:
            async with deadlines.attempt() as a:
                try:
                    now[0] = 1.0  # past the deadline before the first sweep
                    await asyncio.Event().wait()
                finally:
                    seen.append(a.expired())
            return False

        seen: list[bool] = []
        with pytest.raises(TimeoutError):
            asyncio.run(attempt())
        assert seen == [True]

    def test_an_attempt_within_its_deadline_is_left_alone(self) -> None:
        """An attempt returning before its deadline returns its result; nothing is cancelled."""
        deadlines = AttemptDeadlines(60.0)

        async def attempt() -> str:
            async with deadlines.attempt() as a:
                await asyncio.sleep(0)
            assert not a.expired()
            return "ok"

        assert asyncio.run(attempt()) == "ok"

    def test_a_cancellation_from_elsewhere_stays_a_cancellation(self) -> None:
        """A task cancelled by its owner (a revocation) inside an attempt is cancelled, not timed out."""
        deadlines = AttemptDeadlines(60.0)

        async def main() -> None:
            started = asyncio.Event()

            async def attempt() -> None:
                async with deadlines.attempt():
                    started.set()
                    await asyncio.Event().wait()

            task = asyncio.create_task(attempt())
            await started.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        asyncio.run(main())
