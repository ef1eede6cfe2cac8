"""The request-budget state machines follow BigCommerce's rate-limit headers without sleeping."""

from __future__ import annotations

import pytest

from bcx.bigcommerce.ratelimit import StoreBudget, WindowBudget, backoff_delay


def rest_headers(left: int, reset_ms: int, quota: int = 150) -> dict[str, str]:
    return {
        "x-rate-limit-requests-left": str(left),
        "x-rate-limit-time-reset-ms": str(reset_ms),
        "x-rate-limit-requests-quota": str(quota),
        "x-rate-limit-time-window-ms": "30000",
    }


class TestStoreBudget:
    def test_unknown_budget_lets_requests_through(self) -> None:
        """Before any response the budget is unknown and nothing waits."""
        budget = StoreBudget()
        assert [budget.acquire(now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]

    def test_spends_the_reported_budget_then_waits_for_the_reset(self) -> None:
        """After "2 left, reset in 5 s" two requests go and the third waits the remaining reset time."""
        budget = StoreBudget()
        budget.observe(rest_headers(left=2, reset_ms=5000), now=10.0)
        assert budget.acquire(10.0) == 0.0
        assert budget.acquire(10.5) == 0.0
        assert budget.acquire(11.0) == pytest.approx(4.0)

    def test_keeps_a_reserve_for_other_apps(self) -> None:
        """With a reserve of 2 the budget stops when only two requests are left."""
        budget = StoreBudget(reserve=2)
        budget.observe(rest_headers(left=3, reset_ms=1000), now=0.0)
        assert budget.acquire(0.0) == 0.0
        assert budget.acquire(0.0) == pytest.approx(1.0)

    def test_quota_returns_when_the_window_rolls_over(self) -> None:
        """Once the reset time has passed the full quota is available again."""
        budget = StoreBudget()
        budget.observe(rest_headers(left=0, reset_ms=1000, quota=150), now=0.0)
        assert budget.acquire(0.5) == pytest.approx(0.5)
        assert budget.acquire(1.0) == 0.0
        assert budget.left == 149

    def test_429_waits_for_the_announced_reset(self) -> None:
        """A 429 with X-Rate-Limit-Time-Reset-Ms asks for exactly that wait and blocks until then."""
        budget = StoreBudget()
        wait = budget.rate_limited(rest_headers(left=0, reset_ms=2500), now=100.0)
        assert wait == pytest.approx(2.5)
        assert budget.acquire(101.0) == pytest.approx(1.5)

    def test_429_without_headers_falls_back_to_retry_after_or_a_default(self) -> None:
        """A bare 429 (platform under load) waits X-Retry-After seconds, else one second."""
        assert StoreBudget().rate_limited({"x-retry-after": "3"}, now=0.0) == pytest.approx(3.0)
        assert StoreBudget().rate_limited({}, now=0.0) == pytest.approx(1.0)

    def test_garbage_headers_are_ignored(self) -> None:
        """Unparseable header values leave the budget unknown instead of raising."""
        budget = StoreBudget()
        budget.observe({"x-rate-limit-requests-left": "many"}, now=0.0)
        assert budget.left is None


class TestWindowBudget:
    def test_allows_the_limit_per_window_then_waits(self) -> None:
        """150 requests per 60 s: the 151st waits until the window ends."""
        window = WindowBudget(limit=150, window_s=60.0)
        assert all(window.acquire(0.0) == 0.0 for _ in range(150))
        assert window.acquire(20.0) == pytest.approx(40.0)
        assert window.acquire(60.0) == 0.0

    def test_adopts_the_servers_remaining_count(self) -> None:
        """X-Requests-Remaining / X-Request-Window-Resets-After override the local count."""
        window = WindowBudget(limit=150, window_s=60.0)
        window.observe({"x-requests-remaining": "0", "x-request-window-resets-after": "12"}, now=0.0)
        assert window.acquire(2.0) == pytest.approx(10.0)

    def test_429_blocks_until_the_window_resets(self) -> None:
        """A B2B 429 waits the announced seconds and refuses requests until then."""
        window = WindowBudget(limit=150, window_s=60.0)
        assert window.rate_limited({"x-request-window-resets-after": "7"}, now=0.0) == pytest.approx(7.0)
        assert window.acquire(1.0) == pytest.approx(6.0)


class TestBackoff:
    @pytest.mark.parametrize(("attempt", "expected"), [(0, 0.5), (1, 1.0), (2, 2.0), (10, 30.0)])
    def test_exponential_with_cap(self, attempt: int, expected: float) -> None:
        """The ceiling doubles per attempt up to the cap; jitter scales inside it."""
        assert backoff_delay(attempt, base_s=0.5, cap_s=30.0, jitter=0.999999) == pytest.approx(
            expected, rel=1e-3
        )
        assert backoff_delay(attempt, base_s=0.5, cap_s=30.0, jitter=0.0) == 0.0
