"""The published-version ledger: superseded, stale and duplicate decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from producers.enricher.versions import Published, VersionLedger

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


class TestVersionLedger:
    def test_event_before_horizon_is_superseded(self) -> None:
        """An event older than the published version's date_modified needs no new read."""
        ledger = VersionLedger()
        ledger.record("s:order:1", Published(T0, T0, "d1"))
        assert ledger.superseded("s:order:1", T0 - timedelta(seconds=1))

    def test_same_second_is_not_superseded(self) -> None:
        """A change in the same second as the published version is read again (one-second resolution)."""
        ledger = VersionLedger()
        ledger.record("s:order:1", Published(T0, T0, "d1"))
        assert not ledger.superseded("s:order:1", T0)
        assert not ledger.superseded("s:order:2", T0 - timedelta(days=1))

    def test_stale_and_duplicate(self) -> None:
        """A read older than what was published is stale; the same digest is a duplicate."""
        ledger = VersionLedger()
        ledger.record("k", Published(T0, T0, "d1"))
        assert ledger.stale("k", T0 - timedelta(seconds=5))
        assert not ledger.stale("k", T0)
        assert ledger.duplicate("k", "d1")
        assert not ledger.duplicate("k", "d2")

    def test_horizon_never_moves_back(self) -> None:
        """Recording an older horizon keeps the newer one (a version once published stays published)."""
        ledger = VersionLedger()
        ledger.record("k", Published(T0, T0, "d1"))
        ledger.record("k", Published(None, None, "gone"))
        found = ledger.get("k")
        assert found is not None
        assert found.horizon == T0
        assert found.content_digest == "gone"

    def test_bounded(self) -> None:
        """The least recently used keys and event ids are evicted beyond the bound."""
        ledger = VersionLedger(max_keys=2, max_events=2)
        for n in range(3):
            ledger.record(f"k{n}", Published(T0, T0, "d"))
            ledger.mark_handled(f"e{n}")
        assert len(ledger) == 2
        assert ledger.get("k0") is None
        assert not ledger.handled("e0")
        assert ledger.handled("e2")
