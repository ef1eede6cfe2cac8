"""A circuit breaker as a pure state machine: every method takes ``now`` (monotonic seconds).

CLOSED counts consecutive failures; at ``failure_threshold`` it opens. OPEN refuses calls until
``reset_timeout_s`` has passed, then HALF_OPEN lets ``half_open_max_calls`` trial calls through: one success
closes the circuit, one failure re-opens it for another full timeout. No I/O, no clock, no sleeping, so the
HTTP layer owns the clock and tests drive time explicitly.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class BreakerState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    failure_threshold: int = 5
    reset_timeout_s: float = 30.0
    half_open_max_calls: int = 1

    def __post_init__(self) -> None:
        if self.failure_threshold < 1 or self.half_open_max_calls < 1 or self.reset_timeout_s <= 0:
            raise ValueError("breaker thresholds must be positive")
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trials_in_flight = 0

    def state(self, now: float) -> BreakerState:
        """The state at ``now`` (OPEN turns into HALF_OPEN once the reset timeout has passed)."""
        if self._state is BreakerState.OPEN and now - self._opened_at >= self.reset_timeout_s:
            self._state = BreakerState.HALF_OPEN
            self._trials_in_flight = 0
        return self._state

    def peek(self, now: float) -> BreakerState:
        """The state at ``now`` without changing anything (safe to read from another thread: a scrape)."""
        if self._state is BreakerState.OPEN and now - self._opened_at >= self.reset_timeout_s:
            return BreakerState.HALF_OPEN
        return self._state

    def try_acquire(self, now: float) -> bool:
        """Whether a call may start at ``now``; a True in HALF_OPEN reserves one trial slot."""
        state = self.state(now)
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and self._trials_in_flight < self.half_open_max_calls:
            self._trials_in_flight += 1
            return True
        return False

    def retry_in(self, now: float) -> float:
        """Seconds until an OPEN breaker lets a trial through (0 when it is not open)."""
        if self.state(now) is not BreakerState.OPEN:
            return 0.0
        return max(0.0, self.reset_timeout_s - (now - self._opened_at))

    def record_success(self, now: float) -> None:
        """A call that started under ``try_acquire`` succeeded (or failed for a non-health reason)."""
        self.state(now)
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._trials_in_flight = 0

    def record_failure(self, now: float) -> None:
        """A call failed in a way that says Exstream is unhealthy (5xx, timeout, connection error)."""
        state = self.state(now)
        if state is BreakerState.HALF_OPEN:
            self._open(now)
            return
        if state is BreakerState.OPEN:
            return
        self._failures += 1
        if self._failures >= self.failure_threshold:
            self._open(now)

    def release(self, now: float) -> None:
        """A call that held a HALF_OPEN trial slot ended without a verdict (e.g. it was cancelled)."""
        if self.state(now) is BreakerState.HALF_OPEN and self._trials_in_flight > 0:
            self._trials_in_flight -= 1

    def _open(self, now: float) -> None:
        self._state = BreakerState.OPEN
        self._opened_at = now
        self._failures = 0
        self._trials_in_flight = 0
