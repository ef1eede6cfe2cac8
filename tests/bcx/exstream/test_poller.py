"""The batch-job poller: backoff, terminal states and the deadline, with a fake clock and sleep."""

from __future__ import annotations

import pytest

from bcx.exstream.errors import ExstreamUnavailableError, JobFailedError, JobPollTimeoutError
from bcx.exstream.models import JobStatus, job_state
from bcx.exstream.poller import Backoff, JobPoller
from tests.bcx.exstream.fakes import FakeClock


def _job(status: str) -> JobStatus:
    return JobStatus(id="j", status=status, state=job_state(status))


class Script:
    """Answers get_job from a list of statuses (or exceptions); sleeping advances the fake clock."""

    def __init__(self, clock: FakeClock, answers: list[str | Exception]) -> None:
        self.clock = clock
        self.answers = answers
        self.sleeps: list[float] = []

    async def get_job(self, job_id: str) -> JobStatus:
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return _job(answer)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.now += seconds


def _poller(script: Script, timeout_s: float = 100) -> JobPoller:
    return JobPoller(
        script.get_job,
        backoff=Backoff(initial_s=1, max_s=4, multiplier=2, jitter=0),
        timeout_s=timeout_s,
        clock=script.clock,
        sleep=script.sleep,
    )


class TestBackoff:
    def test_grows_and_caps(self) -> None:
        """Delays double from the initial value up to the cap."""
        backoff = Backoff(initial_s=1, max_s=5, multiplier=2, jitter=0)
        assert [backoff.delay(i) for i in range(5)] == [1, 2, 4, 5, 5]

    def test_jitter_stays_within_bounds(self) -> None:
        """Jitter spreads a delay by at most the configured fraction."""
        backoff = Backoff(initial_s=10, max_s=10, jitter=0.1)
        assert backoff.delay(0, rand=lambda: 0.0) == pytest.approx(9)
        assert backoff.delay(0, rand=lambda: 1.0) == pytest.approx(11)


class TestJobPoller:
    async def test_returns_when_complete_with_backoff(self) -> None:
        """The poller sleeps with growing delays while the job runs and returns its final status."""
        script = Script(FakeClock(), ["waiting", "started", "started", "started", "complete"])
        job = await _poller(script).wait("j")
        assert job.status == "complete"
        assert script.sleeps == [1, 2, 4, 4]

    async def test_failed_job_raises(self) -> None:
        """A job ending in error raises JobFailedError naming the status."""
        script = Script(FakeClock(), ["started", "error"])
        with pytest.raises(JobFailedError) as info:
            await _poller(script).wait("j")
        assert info.value.job_status == "error"
        assert not info.value.retryable

    async def test_transient_errors_are_absorbed(self) -> None:
        """A retryable error while polling is logged and polling continues."""
        script = Script(FakeClock(), [ExstreamUnavailableError("down"), "complete"])
        assert (await _poller(script).wait("j")).status == "complete"

    async def test_deadline_raises_poll_timeout(self) -> None:
        """A job still running at the deadline raises JobPollTimeoutError (outcome unknown)."""
        script = Script(FakeClock(), ["started"])
        with pytest.raises(JobPollTimeoutError) as info:
            await _poller(script, timeout_s=10).wait("j")
        assert info.value.job_id == "j"
        assert sum(script.sleeps) == pytest.approx(10)
