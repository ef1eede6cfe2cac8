"""What the enricher already published, per snapshot key: the basis for skipping superseded and duplicate
events. Pure, bounded, in memory.

For each key it keeps the *horizon* of the last published snapshot — a time before which every change is
already reflected in it (the later of the entity's ``date_modified`` — for a deletion, the created_at of
the event that found it gone — and the read time less a safety margin for clock skew) — and the snapshot's
content digest. An event created strictly before the horizon is
superseded: the published snapshot was read after that change, so re-reading would spend API calls to say
nothing new. Equal seconds are *not* skipped (BigCommerce times have one-second resolution, so a second
change in the same second must still be read). After a read, a snapshot whose digest equals the last
published one is a duplicate, and one older than the published version is stale (never go backwards).

Why memory and not a compacted topic: every entry is a *lower bound* of what has been published, so a
missing or evicted entry only costs one API read and, at worst, one duplicate snapshot — which consumers
already tolerate (snapshots are idempotent by ``key`` + ``date_modified`` + ``content_digest``). Entries stay
true across rebalances (a version once published stays published), so nothing is cleared on assignment and
nothing has to be rebuilt before consuming; a compacted view would add a second write per snapshot and a
full read of it at start-up for a saving that only matters in the first minutes after a restart.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Published:
    horizon: datetime | None
    date_modified: datetime | None
    content_digest: str


class VersionLedger:
    """LRU-bounded map of snapshot key → :class:`Published`, and a set of recently handled event ids."""

    def __init__(self, *, max_keys: int = 200_000, max_events: int = 200_000) -> None:
        self._keys: OrderedDict[str, Published] = OrderedDict()
        self._events: OrderedDict[str, None] = OrderedDict()
        self._max_keys = max_keys
        self._max_events = max_events

    def __len__(self) -> int:
        return len(self._keys)

    def get(self, key: str) -> Published | None:
        found = self._keys.get(key)
        if found is not None:
            self._keys.move_to_end(key)
        return found

    def handled(self, event_id: str) -> bool:
        """True when an event with this id was fully handled already (a redelivery)."""
        return event_id in self._events

    def mark_handled(self, event_id: str) -> None:
        self._events[event_id] = None
        self._events.move_to_end(event_id)
        while len(self._events) > self._max_events:
            self._events.popitem(last=False)

    def superseded(self, key: str, event_created_at: datetime) -> bool:
        """The last published snapshot of ``key`` was read after this event's change."""
        published = self.get(key)
        return (
            published is not None and published.horizon is not None and event_created_at < published.horizon
        )

    def stale(self, key: str, date_modified: datetime | None) -> bool:
        """A freshly read version older than the one already published (a lagging read): do not publish."""
        published = self.get(key)
        return (
            published is not None
            and published.date_modified is not None
            and date_modified is not None
            and date_modified < published.date_modified
        )

    def duplicate(self, key: str, content_digest: str) -> bool:
        """The same state as the last published snapshot of ``key``."""
        published = self.get(key)
        return published is not None and published.content_digest == content_digest

    def record(self, key: str, published: Published) -> None:
        """Remember a snapshot Kafka acknowledged; the horizon never moves backwards."""
        previous = self._keys.get(key)
        if (
            previous is not None
            and previous.horizon is not None
            and (published.horizon is None or published.horizon < previous.horizon)
        ):
            published = Published(previous.horizon, published.date_modified, published.content_digest)
        self._keys[key] = published
        self._keys.move_to_end(key)
        while len(self._keys) > self._max_keys:
            self._keys.popitem(last=False)
