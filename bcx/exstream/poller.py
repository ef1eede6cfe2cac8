"""Waiting for a batch job to finish: poll ``runtime/{domain}/jobs/{id}`` with capped exponential backoff.

Runs as one asyncio task per job; it only awaits (``sleep`` is injected), so it never blocks the event loop
or a Kafka poll loop. Transient errors while polling are absorbed until the deadline; a job that ends in
``error``/``canceled``/``deleted`` raises :class:`JobFailedError`, one still running at the deadline
:class:`JobPollTimeoutError`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bcx.exstream.errors import JobFailedError, JobPollTimeoutError, RetryableExstreamError
from bcx.exstream.models import JobState, JobStatus
from bcx.exstream.settings import ExstreamSettings
from bcx.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Backoff:
    """Capped exponential delays with ±``jitter`` proportional spread (pure: the random source is passed)."""

    initial_s: float = 1.0
    max_s: float = 30.0
    multiplier: float = 2.0
    jitter: float = 0.1

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        base = min(self.max_s, self.initial_s * self.multiplier**attempt)
        return max(0.0, base * (1 + self.jitter * (2 * rand() - 1)))


class JobPoller:
    def __init__(
        self,
        get_job: Callable[[str], Awaitable[JobStatus]],
        *,
        backoff: Backoff,
        timeout_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._get_job = get_job
        self._backoff = backoff
        self._timeout_s = timeout_s
        self._clock = clock
        self._sleep = sleep

    @classmethod
    def from_settings(
        cls, get_job: Callable[[str], Awaitable[JobStatus]], settings: ExstreamSettings
    ) -> JobPoller:
        return cls(
            get_job,
            backoff=Backoff(
                settings.poll_initial_delay_s, settings.poll_max_delay_s, settings.poll_multiplier
            ),
            timeout_s=settings.poll_timeout_s,
        )

    async def wait(self, job_id: str) -> JobStatus:
        """Poll until the job completes; return its final status."""
        deadline = self._clock() + self._timeout_s
        attempt = 0
        last: JobStatus | None = None
        while True:
            try:
                last = await self._get_job(job_id)
            except RetryableExstreamError as exc:
                log.warning("exstream.poll_retry", job_id=job_id, error=type(exc).__name__)
            else:
                if last.state is JobState.COMPLETED:
                    return last
                if last.state is JobState.FAILED:
                    raise JobFailedError(
                        f"job {job_id} ended with status {last.status}",
                        job_id=job_id,
                        job_status=last.status,
                        trace_id=last.trace_id,
                    )
            delay = self._backoff.delay(attempt)
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise JobPollTimeoutError(
                    f"job {job_id} still {last.status if last else 'unknown'} at the polling deadline",
                    job_id=job_id,
                    trace_id=last.trace_id if last else None,
                )
            await self._sleep(min(delay, remaining))
            attempt += 1
