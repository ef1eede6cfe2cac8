"""The runtime's pure parts: offsets, per-key scheduling, backoff, the DLQ cap, the ledger rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcx.contracts.ledger_entry import LedgerEntry, LedgerState
from consumers.runtime.delivery import parse_delivery
from consumers.runtime.ledger import (
    LedgerAction,
    LedgerConflict,
    action_for,
    check_transition,
    exstream_reference,
    next_attempt,
)
from consumers.stream.backoff import RetryPolicy
from consumers.stream.dlq_limit import DlqLimit
from consumers.stream.offsets import OffsetTracker
from consumers.stream.progress import ProgressWatch
from consumers.stream.scheduler import KeyScheduler


class TestOffsetTracker:
    def test_an_idle_partition_follows_the_position_past_undelivered_offsets(self) -> None:
        """Records 0-1 done and the consumer's position at 3 (a transaction marker at 2): 3 is committable,
        so a group reading a transactional topic can reach lag 0."""
        tracker = OffsetTracker()
        tracker.add(0)
        tracker.add(1)
        tracker.done(0)
        tracker.done(1)
        tracker.skip_to(3)
        assert tracker.committable() == 3

    def test_the_position_is_ignored_while_a_record_is_pending_or_abandoned(self) -> None:
        """A pending or abandoned record is never passed, whatever the position says."""
        tracker = OffsetTracker()
        tracker.add(0)
        tracker.add(1)
        tracker.done(1)
        tracker.skip_to(5)
        assert tracker.committable() == 0
        tracker.abandon(0)
        tracker.skip_to(5)
        assert tracker.committable() == 0

    def test_an_offset_handed_out_of_order_is_still_never_passed(self) -> None:
        """Offsets normally arrive ascending (appended); one arriving below the last is placed in order,
        so the committable offset still stops at it until it finishes."""
        tracker = OffsetTracker()
        for offset in (5, 7, 6, 3):
            tracker.add(offset)
        for offset in (5, 6, 7):
            tracker.done(offset)
        assert tracker.committable() == 3
        tracker.done(3)
        assert tracker.committable() == 8

    def test_an_unknown_position_changes_nothing(self) -> None:
        """librdkafka's INVALID offset (-1001, before the first fetch) is not a position to follow."""
        tracker = OffsetTracker()
        tracker.skip_to(-1001)
        assert tracker.committable() is None

    def test_uncommitted_counts_records_past_the_committable_offset(self) -> None:
        """A slow head record keeps every later finished record uncommitted (what a crash would replay)."""
        tracker = OffsetTracker()
        assert tracker.uncommitted() == 0
        for offset in range(10, 15):
            tracker.add(offset)
        for offset in range(11, 15):
            tracker.done(offset)
        assert tracker.uncommitted() == 5
        tracker.done(10)
        assert tracker.uncommitted() == 0

    def test_nothing_seen_nothing_to_commit(self) -> None:
        """A fresh tracker has no committable offset."""
        assert OffsetTracker().committable() is None

    def test_commits_only_the_contiguous_prefix(self) -> None:
        """Finishing 10 and 12 but not 11 commits 11 (the first unfinished), then 13 once 11 is done."""
        tracker = OffsetTracker()
        for offset in (10, 11, 12):
            tracker.add(offset)
        tracker.done(10)
        tracker.done(12)
        assert tracker.committable() == 11
        tracker.done(11)
        assert tracker.committable() == 13
        assert tracker.in_flight == 0

    def test_to_commit_reports_only_moves(self) -> None:
        """After marking an offset committed, the same offset is not offered again."""
        tracker = OffsetTracker()
        tracker.add(0)
        tracker.done(0)
        assert tracker.to_commit() == 1
        tracker.mark_committed(1)
        assert tracker.to_commit() is None

    def test_abandoned_record_blocks_commits_but_is_not_in_flight(self) -> None:
        """An abandoned offset never lets the commit pass it, and no longer counts as in flight."""
        tracker = OffsetTracker()
        tracker.add(5)
        tracker.add(6)
        tracker.abandon(5)
        tracker.done(6)
        assert tracker.in_flight == 0
        assert tracker.committable() == 5

    @given(st.permutations(list(range(30))), st.integers(min_value=0, max_value=30))
    def test_never_commits_past_an_unfinished_offset(self, order: list[int], finished: int) -> None:
        """Whatever order records finish in, the committable offset is the smallest unfinished one."""
        tracker = OffsetTracker()
        for offset in range(30):
            tracker.add(offset)
        done = order[:finished]
        for offset in done:
            tracker.done(offset)
        unfinished = sorted(set(range(30)) - set(done))
        assert tracker.committable() == (unfinished[0] if unfinished else 30)


class TestKeyScheduler:
    def test_different_keys_run_at_once_same_key_waits(self) -> None:
        """The second record of a key waits; another key starts immediately."""
        scheduler: KeyScheduler[str] = KeyScheduler(lambda item: item[0])
        assert scheduler.admit(b"k1", "a1")
        assert not scheduler.admit(b"k1", "a2")
        assert scheduler.admit(b"k2", "a3")
        assert scheduler.waiting == 1

    def test_release_hands_over_in_arrival_order(self) -> None:
        """Waiting records of a key run in the order they arrived, then the key goes idle."""
        scheduler: KeyScheduler[str] = KeyScheduler(lambda item: item[0])
        scheduler.admit(b"k", "a1")
        scheduler.admit(b"k", "a2")
        scheduler.admit(b"k", "a3")
        assert scheduler.release(b"k") == "a2"
        assert scheduler.release(b"k") == "a3"
        assert scheduler.release(b"k") is None
        assert scheduler.running_keys == 0
        assert scheduler.admit(b"k", "a4")

    def test_drop_removes_only_the_revoked_partitions_waiters(self) -> None:
        """Dropping partition 'a' returns its waiting items and keeps the others queued."""
        scheduler: KeyScheduler[str] = KeyScheduler(lambda item: item[0])
        scheduler.admit(b"k", "a1")
        scheduler.admit(b"k", "a2")
        scheduler.admit(b"k", "b3")
        assert scheduler.drop({"a"}) == ["a2"]
        assert scheduler.release(b"k") == "b3"


class TestRetryPolicy:
    def test_delay_grows_exponentially_with_jitter_bounds(self) -> None:
        """The n-th delay lies in [base/2, base] with base doubling, capped at max_delay_s."""
        policy = RetryPolicy(initial_delay_s=1.0, max_delay_s=5.0, multiplier=2.0)
        assert policy.delay(1, rand=lambda: 0.0) == 0.5
        assert policy.delay(1, rand=lambda: 1.0) == 1.0
        assert policy.delay(3, rand=lambda: 1.0) == 4.0
        assert policy.delay(10, rand=lambda: 1.0) == 5.0

    def test_server_retry_after_is_honoured(self) -> None:
        """A 429's Retry-After raises the delay to at least that many seconds (within the cap)."""
        policy = RetryPolicy(initial_delay_s=0.1, max_delay_s=10.0)
        assert policy.delay(1, retry_after_s=3.0, rand=lambda: 0.0) == 3.0

    def test_budget_limits_attempts_and_time(self) -> None:
        """Retrying stops at max_attempts or when the next delay would overrun the time budget."""
        policy = RetryPolicy(max_attempts=3, budget_s=10.0)
        assert policy.should_retry(1, 0.0, 1.0)
        assert not policy.should_retry(3, 0.0, 1.0)
        assert not policy.should_retry(1, 9.5, 1.0)


class TestDlqLimit:
    def test_refuses_beyond_the_cap_within_the_window(self) -> None:
        """Three dead letters are allowed in 60 s; the fourth is refused until the first ages out."""
        limit = DlqLimit(max_count=3, window_s=60)
        for t in (0.0, 1.0, 2.0):
            assert limit.allows(t)
            limit.record(t)
        assert not limit.allows(30.0)
        assert limit.allows(60.0)

    def test_zero_disables_the_cap(self) -> None:
        """max_count 0 never refuses."""
        limit = DlqLimit(max_count=0, window_s=1)
        for t in range(100):
            limit.record(float(t) / 1000)
        assert limit.allows(0.1)


def entry(state: LedgerState, attempt: int = 1) -> LedgerEntry:
    return LedgerEntry(
        idempotency_key="k",
        state=state,
        attempt=attempt,
        exstream_reference=exstream_reference("k"),
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        owner="test",
        source_topic="t",
        source_partition=0,
        source_offset=0,
    )


class TestLedgerRules:
    def test_actions_by_state(self) -> None:
        """Unknown keys proceed, done keys are skipped, started or failed keys are resolved first."""
        assert action_for(None) is LedgerAction.PROCEED
        assert action_for(entry(LedgerState.GENERATED)) is LedgerAction.SKIP
        assert action_for(entry(LedgerState.DELIVERED)) is LedgerAction.SKIP
        assert action_for(entry(LedgerState.STARTED)) is LedgerAction.RESOLVE
        assert action_for(entry(LedgerState.FAILED)) is LedgerAction.RESOLVE

    @pytest.mark.parametrize(
        ("current", "new"),
        [
            (None, LedgerState.STARTED),
            (LedgerState.STARTED, LedgerState.GENERATED),
            (LedgerState.STARTED, LedgerState.DELIVERED),
            (LedgerState.STARTED, LedgerState.FAILED),
            (LedgerState.GENERATED, LedgerState.DELIVERED),
            (LedgerState.FAILED, LedgerState.STARTED),
        ],
    )
    def test_allowed_transitions(self, current: LedgerState | None, new: LedgerState) -> None:
        """The documented transitions pass the check."""
        check_transition(entry(current) if current else None, entry(new, attempt=2))

    @pytest.mark.parametrize(
        ("current", "new"),
        [
            (None, LedgerState.DELIVERED),
            (LedgerState.DELIVERED, LedgerState.STARTED),
            (LedgerState.GENERATED, LedgerState.STARTED),
        ],
    )
    def test_forbidden_transitions(self, current: LedgerState | None, new: LedgerState) -> None:
        """A delivered key never starts again, and nothing is delivered that never started."""
        with pytest.raises(LedgerConflict):
            check_transition(entry(current) if current else None, entry(new, attempt=2))

    def test_attempts_never_go_back(self) -> None:
        """A lower attempt than the stored one is a conflict (a stale writer)."""
        with pytest.raises(LedgerConflict):
            check_transition(entry(LedgerState.STARTED, 3), entry(LedgerState.STARTED, 2))

    def test_reference_is_stable_and_filter_safe(self) -> None:
        """The Exstream reference is the same for a key every time and holds no filter separators."""
        key = "order_documents:abc:order:1:invoice:1"
        assert exstream_reference(key) == exstream_reference(key)
        assert not set(";:,") & set(exstream_reference(key))
        assert next_attempt(None) == 1
        assert next_attempt(entry(LedgerState.FAILED, 2)) == 3


class TestDeliveryParsing:
    def test_reads_each_channel_outcome(self) -> None:
        """The simulator's job message yields one outcome per channel, failures with their reason."""
        message = "1 record(s); delivery: email=delivered, print=failed: no recipient address"
        assert parse_delivery(message) == {"email": "delivered", "print": "failed: no recipient address"}

    def test_no_delivery_section_means_not_reported(self) -> None:
        """A message without a delivery section reports nothing."""
        assert parse_delivery("1 record(s)") == {}
        assert parse_delivery(None) == {}


class TestProgressWatch:
    def test_lag_and_no_progress_past_the_timeout_is_a_stall(self) -> None:
        """Assigned partitions with lag and nothing moving for longer than the timeout is a stall."""
        watch = ProgressWatch(stall_timeout_s=10, now=0)
        watch.observe_lag(5, assigned=2, now=1)
        assert not watch.stalled(10)
        assert watch.stalled(11)
        watch.moved(11)
        assert not watch.stalled(12)

    def test_caught_up_or_unassigned_is_never_a_stall(self) -> None:
        """No lag, or no partitions, restarts the clock: an idle consumer stays live."""
        watch = ProgressWatch(stall_timeout_s=10, now=0)
        watch.observe_lag(0, assigned=2, now=50)
        assert not watch.stalled(55)
        watch.observe_lag(3, assigned=0, now=100)
        assert not watch.stalled(200)


class TestRewindPoint:
    def test_rewind_starts_at_the_last_commit_else_at_the_first_record_handed_out(self) -> None:
        """Before any commit a failed transaction rewinds to the first record seen; after one, to it."""
        tracker = OffsetTracker()
        assert tracker.rewind_point() is None
        for offset in (7, 5, 6):
            tracker.add(offset)
        assert tracker.rewind_point() == 5
        tracker.done(5)
        tracker.mark_committed(6)
        tracker.done(6)
        assert tracker.rewind_point() == 6
