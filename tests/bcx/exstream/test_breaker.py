"""The circuit breaker state machine, driven with explicit timestamps."""

from __future__ import annotations

import pytest

from bcx.exstream.breaker import BreakerState, CircuitBreaker


class TestCircuitBreaker:
    def test_stays_closed_below_threshold(self) -> None:
        """Fewer consecutive failures than the threshold keep the circuit closed."""
        breaker = CircuitBreaker(failure_threshold=3, reset_timeout_s=10)
        breaker.record_failure(0)
        breaker.record_failure(1)
        assert breaker.state(2) is BreakerState.CLOSED
        assert breaker.try_acquire(2)

    def test_success_resets_the_failure_count(self) -> None:
        """A success between failures means failures are no longer consecutive."""
        breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=10)
        breaker.record_failure(0)
        breaker.record_success(1)
        breaker.record_failure(2)
        assert breaker.state(3) is BreakerState.CLOSED

    def test_opens_at_threshold_and_refuses_calls(self) -> None:
        """Reaching the threshold opens the circuit and calls are refused until the timeout."""
        breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=10)
        breaker.record_failure(0)
        breaker.record_failure(1)
        assert breaker.state(1) is BreakerState.OPEN
        assert not breaker.try_acquire(5)
        assert breaker.retry_in(5) == pytest.approx(6)

    def test_half_open_after_timeout_allows_limited_trials(self) -> None:
        """After the reset timeout exactly half_open_max_calls trial calls are let through."""
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout_s=10, half_open_max_calls=1)
        breaker.record_failure(0)
        assert breaker.state(10) is BreakerState.HALF_OPEN
        assert breaker.try_acquire(10)
        assert not breaker.try_acquire(10)

    def test_trial_success_closes(self) -> None:
        """A successful trial call closes the circuit again."""
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout_s=10)
        breaker.record_failure(0)
        assert breaker.try_acquire(11)
        breaker.record_success(11)
        assert breaker.state(11) is BreakerState.CLOSED

    def test_trial_failure_reopens_for_a_full_timeout(self) -> None:
        """A failed trial call re-opens the circuit, counting the timeout from the new failure."""
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout_s=10)
        breaker.record_failure(0)
        assert breaker.try_acquire(10)
        breaker.record_failure(12)
        assert breaker.state(21) is BreakerState.OPEN
        assert breaker.state(22) is BreakerState.HALF_OPEN

    def test_release_frees_a_trial_slot(self) -> None:
        """A cancelled trial gives its slot back so another trial may run."""
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout_s=1)
        breaker.record_failure(0)
        assert breaker.try_acquire(2)
        breaker.release(2)
        assert breaker.try_acquire(2)

    def test_rejects_nonsense_thresholds(self) -> None:
        """A zero threshold is a configuration error, not a breaker that never closes."""
        with pytest.raises(ValueError, match="positive"):
            CircuitBreaker(failure_threshold=0)
