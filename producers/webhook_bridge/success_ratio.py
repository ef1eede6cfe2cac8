"""The share of 2xx answers over a rolling window: what BigCommerce blocklists a domain on.

BigCommerce computes the ratio over a sliding 2-minute window per destination domain, only once the window
holds 100 requests, and blocklists the domain for 3 minutes below 90 %. Pure: ``now`` is passed in; memory
is one small bucket per second of the window.
"""

from __future__ import annotations

from collections import deque

WINDOW_S = 120
MIN_REQUESTS = 100
BLOCKLIST_BELOW = 0.9


class SuccessRatio:
    def __init__(self, window_s: int = WINDOW_S) -> None:
        self._window = window_s
        self._buckets: deque[list[int]] = deque()  # [second, successes, total], oldest first
        self._ok = 0
        self._total = 0

    def _trim(self, second: int) -> None:
        while self._buckets and self._buckets[0][0] <= second - self._window:
            _, ok, total = self._buckets.popleft()
            self._ok -= ok
            self._total -= total

    def record(self, success: bool, now: float) -> None:
        second = int(now)
        self._trim(second)
        if self._buckets and self._buckets[-1][0] == second:
            bucket = self._buckets[-1]
        else:
            bucket = [second, 0, 0]
            self._buckets.append(bucket)
        bucket[1] += int(success)
        bucket[2] += 1
        self._ok += int(success)
        self._total += 1

    def counts(self, now: float) -> tuple[int, int]:
        """``(successes, total)`` inside the window ending at ``now``."""
        self._trim(int(now))
        return self._ok, self._total

    def ratio(self, now: float) -> float:
        """Successes / total in the window; 1.0 when the window is empty (nothing failed)."""
        ok, total = self.counts(now)
        return ok / total if total else 1.0

    def at_risk(self, now: float) -> bool:
        """True when BigCommerce would blocklist the domain on these numbers."""
        ok, total = self.counts(now)
        return total >= MIN_REQUESTS and ok / total < BLOCKLIST_BELOW
