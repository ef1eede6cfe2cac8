"""The dead-letter cap: a bad deploy must stop the consumer, not dead-letter the whole topic (pure).

At most ``max_count`` dead letters within any ``window_s`` seconds; the one that would exceed it is refused
(and stays uncommitted), so the consumer stops, alerts, and that record is processed again after the fix.
Time is passed in (``now``), never read.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class DlqLimit:
    max_count: int = 100
    window_s: float = 60.0
    _times: deque[float] = field(default_factory=deque, init=False, repr=False)

    def _expire(self, now: float) -> None:
        while self._times and now - self._times[0] >= self.window_s:
            self._times.popleft()

    def allows(self, now: float) -> bool:
        """Whether one more dead letter at ``now`` stays within the cap."""
        if self.max_count <= 0:
            return True  # 0 disables the cap
        self._expire(now)
        return len(self._times) < self.max_count

    def record(self, now: float) -> None:
        self._expire(now)
        self._times.append(now)

    def count(self, now: float) -> int:
        self._expire(now)
        return len(self._times)
