"""How long to wait before trying a record again, and when to stop trying in-process (pure)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with equal jitter, within an attempt count and an elapsed-time budget.

    ``delay(n)`` for the n-th retry (1-based) is uniform in ``[base/2, base]`` where
    ``base = min(max_delay_s, initial_delay_s * multiplier**(n-1))``: jitter spreads a burst of failing
    records so they do not hit a recovering Exstream at the same instant, and the lower half-bound keeps
    the backoff meaningful. A ``retry_after_s`` from the server (429) raises the delay to at least that.
    """

    max_attempts: int = 5
    budget_s: float = 60.0
    initial_delay_s: float = 0.2
    max_delay_s: float = 10.0
    multiplier: float = 2.0

    def delay(
        self, retry: int, *, retry_after_s: float | None = None, rand: Callable[[], float] = random.random
    ) -> float:
        base = min(self.max_delay_s, self.initial_delay_s * self.multiplier ** max(0, retry - 1))
        jittered = base / 2 + rand() * base / 2
        return max(jittered, min(retry_after_s or 0.0, self.max_delay_s))

    def should_retry(self, attempts: int, elapsed_s: float, next_delay_s: float) -> bool:
        """Whether one more in-process attempt fits, after ``attempts`` and ``elapsed_s`` since the first."""
        return attempts < self.max_attempts and elapsed_s + next_delay_s <= self.budget_s
