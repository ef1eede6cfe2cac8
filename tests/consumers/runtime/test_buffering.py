"""The buffer of held records apart from the calls in flight: dispatch, the hold budget, partition shares."""

from __future__ import annotations

import random
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from consumers.stream.dispatch import Dispatcher
from consumers.stream.holding import HEADER_BYTES, HoldBudget, PartitionShares, record_bytes
from consumers.stream.offsets import OffsetTracker
from consumers.stream.records import SourceRecord

Item = tuple[str, str, int]  # (partition, key, sequence of the key)


def dispatcher(limit: int | None, *, ordered: bool = True) -> Dispatcher[Item]:
    return Dispatcher(lambda i: i[1], lambda i: i[0], limit=limit, ordered=ordered)


def batch(partition: str, keys: int, per_key: int, prefix: str = "k") -> list[Item]:
    """``keys`` keys of one partition, ``per_key`` records each, interleaved as producers write them."""
    return [(partition, f"{prefix}{k}", s) for s in range(per_key) for k in range(keys)]


class TestDispatcher:
    def test_distinct_keys_fill_the_window_even_when_one_partition_dominates_the_batch(self) -> None:
        """A batch of 256 records from one partition (8 keys) plus 21 from seven others: all 29 distinct
        keys start at once (the window is 32), not only the dominant partition's 8."""
        d = dispatcher(limit=32)
        items = batch("p0", keys=8, per_key=32) + [
            (f"p{p}", f"q{p}-{k}", 0) for p in range(1, 8) for k in range(3)
        ]
        started = d.admit(items)
        assert len({key for _, key, _ in started}) == len(started) == 29
        assert {p for p, _, _ in started} == {f"p{p}" for p in range(8)}
        assert d.waiting == 256 - 8

    def test_calls_in_flight_never_exceed_the_window_with_many_ready_keys(self) -> None:
        """With 1,000 distinct keys held and a window of 10, ten run; each end starts exactly one more."""
        d = dispatcher(limit=10)
        started = d.admit([("p", f"k{i}", 0) for i in range(1000)])
        assert len(started) == 10
        assert d.finished(started[0]) == [("p", "k10", 0)]
        assert d.running == 10

    def test_a_key_runs_one_record_at_a_time_in_arrival_order(self) -> None:
        """Records of one key start one after another, each only after the previous one finished."""
        d = dispatcher(limit=4)
        assert d.admit(batch("p", keys=1, per_key=3)) == [("p", "k0", 0)]
        assert d.finished(("p", "k0", 0)) == [("p", "k0", 1)]
        assert d.finished(("p", "k0", 1)) == [("p", "k0", 2)]
        assert d.finished(("p", "k0", 2)) == []

    @settings(max_examples=60, deadline=None)
    @given(st.integers(1, 16), st.integers(1, 12), st.integers(1, 6), st.integers(0, 10_000))
    def test_variable_finishing_order_keeps_each_keys_order_and_the_window(
        self, window: int, keys: int, per_key: int, seed: int
    ) -> None:
        """Whatever order running records finish in (variable latency), each key's records start in
        sequence, never two of a key at once, never more than the window, and every record runs."""
        rnd = random.Random(seed)
        d = dispatcher(limit=window)
        items = batch("p0", keys, per_key) + batch("p1", keys, per_key, prefix="j")
        running = list(d.admit(items))
        seen: dict[str, list[int]] = defaultdict(list)
        for item in running:
            seen[item[1]].append(item[2])
        while running:
            assert len(running) <= window
            assert len({k for _, k, _ in running}) == len(running)
            done = running.pop(rnd.randrange(len(running)))
            for item in d.finished(done):
                seen[item[1]].append(item[2])
                running.append(item)
        assert all(seqs == list(range(per_key)) for seqs in seen.values())
        assert len(seen) == 2 * keys

    def test_the_key_with_the_most_records_held_starts_first(self) -> None:
        """When a slot frees, the ready record whose key holds the longest chain starts before records of
        single-record keys that arrived earlier (the hottest key's chain bounds the run)."""
        d = dispatcher(limit=1)
        assert d.admit([("p", "x", 0)]) == [("p", "x", 0)]
        assert d.admit([("p", "s1", 0), ("p", "s2", 0), *batch("p", keys=1, per_key=3, prefix="h")]) == []
        assert d.finished(("p", "x", 0)) == [("p", "h0", 0)]
        assert d.finished(("p", "h0", 0)) == [("p", "h0", 1)]
        assert d.finished(("p", "h0", 1)) == [("p", "h0", 2)]
        assert d.finished(("p", "h0", 2)) == [("p", "s1", 0)]

    def test_a_ready_keys_priority_rises_as_more_of_its_records_arrive(self) -> None:
        """A key whose records keep arriving one batch at a time (hundreds of them) overtakes a key that
        had more records at first; every record is still handed out once, in its key's order."""
        d = dispatcher(limit=1)
        d.admit([("p", "x", 0)])
        d.admit([("p", "b", 0), ("p", "b", 1), ("p", "a", 0)])
        for seq in range(1, 300):
            d.admit([("p", "a", seq)])
        assert d.waiting == 302
        ran: list[Item] = []
        started = d.finished(("p", "x", 0))
        while started:
            (item,) = started
            ran.append(item)
            started = d.finished(item)
        assert ran[0] == ("p", "a", 0)
        assert [i for i in ran if i[1] == "a"] == [("p", "a", seq) for seq in range(300)]
        assert [i for i in ran if i[1] == "b"] == [("p", "b", 0), ("p", "b", 1)]
        assert len(ran) == 302
        assert d.waiting == 0

    def test_unordered_runs_records_of_one_key_side_by_side(self) -> None:
        """With order off, the window is the only bound: three records of one key run at once."""
        d = dispatcher(limit=8, ordered=False)
        assert len(d.admit(batch("p", keys=1, per_key=3))) == 3

    def test_dropping_a_partition_returns_its_waiting_records_and_hands_the_key_on(self) -> None:
        """Revoking p0 returns its waiting records (behind a key or for a slot) and a key whose turn a
        dropped record held passes to its next record from another partition."""
        d = dispatcher(limit=1)
        assert d.admit([("p1", "x", 0)]) == [("p1", "x", 0)]
        assert d.admit([("p0", "k", 0), ("p1", "k", 1)]) == []
        dropped = d.drop({"p0"})
        assert dropped == [("p0", "k", 0)]
        assert d.partitions() == {"p1"}
        assert d.finished(("p1", "x", 0)) == [("p1", "k", 1)]

    def test_a_held_dispatcher_starts_nothing_more(self) -> None:
        """After a fatal stop nothing new starts; everything that waits can be dropped at once."""
        d = dispatcher(limit=1)
        first = d.admit(batch("p", keys=2, per_key=1))
        d.hold()
        assert d.finished(first[0]) == []
        assert d.drop(d.partitions()) == [("p", "k1", 0)]
        assert d.waiting == 0


class TestHoldBudget:
    def test_a_full_budget_resumes_only_after_draining_to_the_low_water_mark(self) -> None:
        """Full at 8 records; one record out is not enough to resume, down to 6 (75 %) is."""
        budget = HoldBudget(max_records=8, max_bytes=1 << 20)
        for _ in range(8):
            budget.take(100)
        assert budget.full
        assert budget.free == 0
        budget.give(100)
        assert (budget.full, budget.drained, budget.free) == (False, False, 1)
        budget.give(100)
        assert budget.drained

    def test_room_worth_a_consume_is_refill_at_records(self) -> None:
        """Nearly full is not roomy: 3 records of room when a consume is worth 4; 4 records is."""
        budget = HoldBudget(max_records=10, max_bytes=1 << 20, refill_at=4)
        for _ in range(7):
            budget.take(100)
        assert (budget.full, budget.roomy) == (False, False)
        budget.give(100)
        assert budget.roomy
        assert HoldBudget(max_records=10, max_bytes=1 << 20, refill_at=0).refill_at == 1

    def test_bytes_bound_the_budget_before_the_record_count(self) -> None:
        """Large records fill the byte bound first: no more may be taken although the count has room."""
        budget = HoldBudget(max_records=1000, max_bytes=10_000)
        budget.take(6_000)
        budget.take(6_000)
        assert budget.full
        assert budget.free == 0

    def test_a_records_size_counts_key_value_headers_and_overhead(self) -> None:
        """Key and value bytes count, plus a fixed overhead per record and per header."""
        small = SourceRecord("t", 0, 0, b"k", b"v")
        big = SourceRecord("t", 0, 1, b"k", b"v" * 1000, (("h", b"x" * 10),))
        assert record_bytes(big) - record_bytes(small) == 999 + HEADER_BYTES


class TestPartitionShares:
    def test_a_partition_over_its_share_pauses_until_it_drained(self) -> None:
        """Share = budget / partitions (here 100): p0 at 100 is held back, at 90 still, at 75 resumes."""
        shares: PartitionShares[str] = PartitionShares(window=10, capacity=400)
        held = {"p0": 100, "p1": 0, "p2": 0, "p3": 0}
        assert shares.over(held) == {"p0"}
        assert shares.over({**held, "p0": 90}) == {"p0"}
        assert shares.over({**held, "p0": 75}) == set()

    def test_one_busy_partition_may_still_fill_the_window(self) -> None:
        """The share never drops below the window, so a lone busy partition can keep every slot busy."""
        shares: PartitionShares[str] = PartitionShares(window=256, capacity=1024)
        assert shares.share(12) == 256
        assert shares.over({f"p{i}": 255 if i == 0 else 0 for i in range(12)}) == set()

    def test_a_fixed_per_partition_limit_overrides_the_share(self) -> None:
        """``max_in_flight_per_partition`` set: that is the share, whatever the partition count."""
        shares: PartitionShares[str] = PartitionShares(window=256, capacity=2304, fixed=5)
        assert shares.over({"p0": 5, "p1": 4}) == {"p0"}


class TestRedelivery:
    def test_offsets_already_handed_out_count_as_redeliveries(self) -> None:
        """Offsets at or below the highest one handed out (or skipped to) are redeliveries; later ones and
        a new tracker's first are not."""
        tracker = OffsetTracker()
        assert not tracker.handed_out(5)
        tracker.add(5)
        tracker.add(6)
        tracker.done(5)
        assert tracker.handed_out(5)
        assert tracker.handed_out(6)
        assert not tracker.handed_out(7)
