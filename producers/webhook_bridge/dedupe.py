"""A bounded window of recently published event ids, so a quick redelivery is acknowledged without a record.

Pure (the clock is injected) and best-effort by design: it lives in one process's memory, forgets after
``ttl_s`` or when ``max_entries`` is exceeded (oldest first), and only remembers ids Kafka acknowledged.
Downstream consumers deduplicate by event id regardless.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable


class DuplicateWindow:
    def __init__(self, *, max_entries: int, ttl_s: float, clock: Callable[[], float]) -> None:
        self._max = max_entries
        self._ttl = ttl_s
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self._max > 0 and self._ttl > 0

    def __len__(self) -> int:
        return len(self._seen)

    def _expire(self, now: float) -> None:
        while self._seen:
            oldest, at = next(iter(self._seen.items()))
            if now - at < self._ttl:
                return
            del self._seen[oldest]

    def seen(self, event_id: str) -> bool:
        """True when ``event_id`` was remembered less than ``ttl_s`` ago."""
        if not self.enabled:
            return False
        self._expire(self._clock())
        return event_id in self._seen

    def remember(self, event_id: str) -> None:
        """Record ``event_id`` as published now, evicting the oldest entries beyond ``max_entries``."""
        if not self.enabled:
            return
        now = self._clock()
        self._seen[event_id] = now
        self._seen.move_to_end(event_id)
        self._expire(now)
        while len(self._seen) > self._max:
            self._seen.popitem(last=False)
