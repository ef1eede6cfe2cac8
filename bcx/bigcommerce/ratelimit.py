"""Request budgets as BigCommerce defines them: pure state machines, time passed in as ``now`` (seconds).

REST (v2/v3): each store has a quota per window (150 or 450 per 30 s), shared by every app on the store.
Every response says how much is left (``X-Rate-Limit-Requests-Left``) and when the window refreshes
(``X-Rate-Limit-Time-Reset-Ms``, milliseconds from now). :class:`StoreBudget` spends optimistically from the
last known figure, keeps a small reserve for the other apps, and asks the caller to wait for the reset when
the budget is spent or a 429 arrived. Before the first response it knows nothing and lets requests through.

B2B Edition: 150 requests per 60 s per store (``X-Requests-Remaining``, ``X-Request-Window-Resets-After``
in seconds). :class:`WindowBudget` counts requests in a fixed window of its own and corrects itself from
those headers when the server sends them.

Neither class sleeps: ``acquire(now)`` answers how long to wait (0 means "go, one request reserved").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Wait used when a 429 carries no reset header (the platform is under load for the store).
DEFAULT_429_WAIT_S = 1.0


def _header_float(headers: Mapping[str, str], name: str) -> float | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return float(raw.strip())
    except ValueError:
        return None


@dataclass
class StoreBudget:
    """The REST request budget of one store, as last reported by BigCommerce."""

    reserve: int = 0
    quota: int | None = None
    left: int | None = None
    window_s: float | None = None
    reset_at: float | None = None

    def acquire(self, now: float) -> float:
        """Seconds to wait before the next request; 0 means go (and one request is counted as spent)."""
        if self.reset_at is not None and now >= self.reset_at:
            # The window rolled over: the full quota is back (or unknown until the next response says).
            self.left = self.quota
            self.reset_at = None
        if self.left is None:
            return 0.0
        if self.left > self.reserve:
            self.left -= 1
            return 0.0
        if self.reset_at is None:
            # Spent but no known reset: trust the server to answer 429 with a reset if we are wrong.
            return 0.0
        return self.reset_at - now

    def observe(self, headers: Mapping[str, str], now: float) -> None:
        """Adopt the figures of a response (any status) that carries the rate-limit headers."""
        left = _header_float(headers, "x-rate-limit-requests-left")
        reset_ms = _header_float(headers, "x-rate-limit-time-reset-ms")
        quota = _header_float(headers, "x-rate-limit-requests-quota")
        window_ms = _header_float(headers, "x-rate-limit-time-window-ms")
        if quota is not None:
            self.quota = int(quota)
        if window_ms is not None:
            self.window_s = window_ms / 1000.0
        if left is not None:
            self.left = max(0, int(left))
        if reset_ms is not None:
            self.reset_at = now + max(0.0, reset_ms) / 1000.0

    def rate_limited(self, headers: Mapping[str, str], now: float) -> float:
        """Record a 429; returns the seconds to wait before trying again."""
        self.observe(headers, now)
        self.left = 0
        reset_ms = _header_float(headers, "x-rate-limit-time-reset-ms")
        if reset_ms is None:
            retry_after = _header_float(headers, "x-retry-after") or _header_float(headers, "retry-after")
            wait = retry_after if retry_after is not None else DEFAULT_429_WAIT_S
            self.reset_at = now + wait
        assert self.reset_at is not None
        return max(0.0, self.reset_at - now)


@dataclass
class WindowBudget:
    """A fixed window of ``limit`` requests per ``window_s`` (the B2B Edition API's per-minute limit)."""

    limit: int
    window_s: float
    window_start: float | None = None
    used: int = 0

    def _roll(self, now: float) -> None:
        if self.window_start is None or now >= self.window_start + self.window_s:
            self.window_start = now
            self.used = 0

    def acquire(self, now: float) -> float:
        """Seconds to wait before the next request; 0 means go (and the request is counted)."""
        self._roll(now)
        assert self.window_start is not None
        if self.used < self.limit:
            self.used += 1
            return 0.0
        return self.window_start + self.window_s - now

    def observe(self, headers: Mapping[str, str], now: float) -> None:
        """Adopt the server's view (``X-Requests-Remaining`` / ``X-Request-Window-Resets-After``)."""
        remaining = _header_float(headers, "x-requests-remaining")
        resets_after = _header_float(headers, "x-request-window-resets-after")
        if remaining is None or resets_after is None:
            return
        self.window_start = now + resets_after - self.window_s
        self.used = max(0, self.limit - int(remaining))

    def rate_limited(self, headers: Mapping[str, str], now: float) -> float:
        """Record a 429; returns the seconds to wait before trying again."""
        resets_after = _header_float(headers, "x-request-window-resets-after")
        if resets_after is None:
            resets_after = _header_float(headers, "retry-after")
        if resets_after is None:
            self._roll(now)
            assert self.window_start is not None
            resets_after = self.window_start + self.window_s - now
        self.window_start = now + resets_after - self.window_s
        self.used = self.limit
        return max(0.0, resets_after)


def backoff_delay(attempt: int, *, base_s: float, cap_s: float, jitter: float) -> float:
    """Exponential backoff with full jitter: ``jitter`` ∈ [0, 1) scales ``min(cap, base · 2^attempt)``.

    ``attempt`` counts from 0 (the wait after the first failure). The caller supplies the random number so
    this stays deterministic under test.
    """
    ceiling: float = min(cap_s, base_s * float(2 ** min(attempt, 30)))
    return ceiling * jitter
