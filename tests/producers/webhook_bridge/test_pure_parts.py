"""The duplicate window, the success-ratio tracker and event building, with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime

from bcx.contracts.webhook_event import WebhookAuthentication
from producers.webhook_bridge.auth import Verdict
from producers.webhook_bridge.dedupe import DuplicateWindow
from producers.webhook_bridge.event import build_event, stable_event_id
from producers.webhook_bridge.payload import parse_callback
from producers.webhook_bridge.success_ratio import SuccessRatio
from tests.producers.webhook_bridge.samples import STORE, callback, encode


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class TestDuplicateWindow:
    def test_remembers_within_ttl_then_forgets(self) -> None:
        """An id is a duplicate until its TTL has passed."""
        clock = Clock()
        window = DuplicateWindow(max_entries=10, ttl_s=60, clock=clock)
        window.remember("a")
        clock.now += 59
        assert window.seen("a")
        clock.now += 2
        assert not window.seen("a")
        assert len(window) == 0

    def test_bounded_memory_evicts_oldest(self) -> None:
        """Beyond max_entries the oldest ids are forgotten first."""
        window = DuplicateWindow(max_entries=3, ttl_s=60, clock=Clock())
        for key in "abcd":
            window.remember(key)
        assert len(window) == 3
        assert not window.seen("a")
        assert window.seen("d")

    def test_disabled_window_never_matches(self) -> None:
        """With zero entries allowed the window is off."""
        window = DuplicateWindow(max_entries=0, ttl_s=60, clock=Clock())
        window.remember("a")
        assert not window.seen("a")


class TestSuccessRatio:
    def test_ratio_over_the_window(self) -> None:
        """The ratio counts 2xx answers over the last 120 seconds only."""
        ratio = SuccessRatio()
        for i in range(90):
            ratio.record(True, 1000 + i * 0.1)
        for i in range(10):
            ratio.record(False, 1010 + i * 0.1)
        assert ratio.counts(1011) == (90, 100)
        assert ratio.ratio(1011) == 0.9
        assert ratio.counts(1000 + 129) == (0, 10)
        assert ratio.counts(2000) == (0, 0)
        assert ratio.ratio(2000) == 1.0

    def test_at_risk_needs_100_requests_below_90_percent(self) -> None:
        """BigCommerce's blocklist rule: at least 100 requests and under 90 % success."""
        ratio = SuccessRatio()
        for _ in range(89):
            ratio.record(True, 5000)
        for _ in range(10):
            ratio.record(False, 5000)
        assert not ratio.at_risk(5000)
        ratio.record(False, 5001)
        assert ratio.at_risk(5001)


class TestEvent:
    def test_event_id_is_stable_and_scope_sensitive(self) -> None:
        """The same callback gets the same id; a different scope, created_at or data gets another."""
        one = parse_callback(encode(callback()))
        assert stable_event_id(one) == stable_event_id(parse_callback(encode(callback())))
        updated = parse_callback(encode(callback("store/order/updated")))
        assert stable_event_id(one) != stable_event_id(updated)
        assert stable_event_id(one) != stable_event_id(parse_callback(encode(callback(created_at=1))))
        other_data = parse_callback(encode(callback(data={"type": "order", "id": 251})))
        assert stable_event_id(one) != stable_event_id(other_data)

    def test_webhook_id_wins_and_key_is_per_resource(self) -> None:
        """A signed webhook-id becomes the event id, and the key is store_hash:resource_type:resource_id."""
        parsed = parse_callback(encode(callback()))
        event = build_event(parsed, Verdict(WebhookAuthentication.BOTH, "msg_1"), None, 1_800_000_000.5)
        assert event.event_id == "msg_1"
        assert event.key == f"{STORE}:order:250"
        assert event.created_at == datetime(2019, 6, 25, 16, 15, 35, tzinfo=UTC)
        assert event.authentication is WebhookAuthentication.BOTH
        unsigned = build_event(parsed, Verdict(WebhookAuthentication.SHARED_SECRET, None), "hdr-id", 0)
        assert unsigned.event_id == "hdr-id"
