"""The peers benchmark's workload and judge: what it reports about loss, duplicates and order is right."""

from __future__ import annotations

from collections import Counter

from benchmarks.peers_table import Config, Row, exit_code, failures
from benchmarks.peers_workload import Record, Seen, judge, workload


def seen(record: Record, offset: int, *, partition: int = 0, observed: float = 10.0) -> Seen:
    return Seen(record.id, record.key, record.seq, record.call_s, 9.0, "backlog", observed, partition, offset)


class TestWorkload:
    def test_round_robin_keys_repeat_evenly_with_rising_sequences(self) -> None:
        """Without skew every key gets n/keys records, numbered 0, 1, … in the order they are produced."""
        records = workload(100, 10, zipf=None, seed=1, prefix="k")
        assert Counter(r.key for r in records) == {f"k{i}": 10 for i in range(10)}
        for key in {r.key for r in records}:
            assert [r.seq for r in records if r.key == key] == list(range(10))
        assert all(0.05 <= r.call_s <= 0.15 for r in records)

    def test_zipf_skews_towards_the_first_keys(self) -> None:
        """With a Zipf exponent the first key is the hottest, and the same seed gives the same records."""
        records = workload(2000, 100, zipf=1.1, seed=3, prefix="k")
        counts = Counter(r.key for r in records)
        assert counts.most_common(1)[0][0] == "k0"
        assert records == workload(2000, 100, zipf=1.1, seed=3, prefix="k")


class TestJudge:
    def test_complete_ordered_results_pass(self) -> None:
        """Every id once, each key in sequence: nothing lost, no duplicates, order kept."""
        records = workload(20, 4, zipf=None, seed=2, prefix="k")
        verdict = judge([seen(r, i) for i, r in enumerate(records)], "backlog", records)
        assert (verdict.lost, verdict.duplicates, verdict.order) == (0, 0, "kept")
        assert verdict.p50_ms == 1000.0

    def test_missing_and_repeated_results_are_counted(self) -> None:
        """An id never seen counts as lost; an id seen twice counts one duplicate."""
        records = workload(10, 10, zipf=None, seed=2, prefix="k")
        results = [seen(r, i) for i, r in enumerate(records[1:])] + [seen(records[2], 99)]
        verdict = judge(results, "backlog", records)
        assert (verdict.lost, verdict.duplicates, verdict.distinct) == (1, 1, 9)

    def test_a_key_out_of_sequence_breaks_order_but_a_replay_does_not(self) -> None:
        """A later record of a key ahead of an earlier one breaks order; a replayed earlier one does not."""
        a0, a1 = Record(0, "a", 0, 0.1), Record(1, "a", 1, 0.1)
        b0, b1 = Record(2, "b", 0, 0.1), Record(3, "b", 1, 0.1)
        results = [seen(a1, 0), seen(a0, 1), seen(b0, 0, partition=1), seen(b1, 1, partition=1)]
        results.append(seen(b0, 2, partition=1))  # at-least-once replay after the key moved on
        verdict = judge(results, "backlog", [a0, a1, b0, b1])
        assert verdict.keys_out_of_order == 1
        assert verdict.duplicates == 1


class TestFailures:
    def test_a_run_that_is_not_a_measurement_fails_the_benchmark(self) -> None:
        """A configuration not measured, records lost, or claimed per-key order broken each make the
        benchmark exit 1 and are named; an unordered mode breaking order is a finding, not a failure."""
        records = workload(20, 4, zipf=None, seed=2, prefix="k")
        whole = judge([seen(r, i) for i, r in enumerate(records)], "backlog", records)
        shuffled = judge([seen(r, i) for i, r in enumerate(reversed(records))], "backlog", records)
        partial = judge([seen(r, i) for i, r in enumerate(records[:15])], "backlog", records)
        ordered = Config("bcx", "bcx", 256, 20, True, "ordered")
        unordered = Config("gather", "gather", 256, 20, False, "unordered")
        good = [Row(ordered, 0, verdict=whole), Row(unordered, 0, verdict=shuffled)]
        assert failures(good) == []
        assert exit_code(good) == 0
        bad = [
            Row.skipped(unordered, 1, "no warm-up results"),
            Row(ordered, 1, verdict=partial),
            Row(ordered, 2, verdict=shuffled),
        ]
        assert failures(bad) == [
            "gather round 1: not measured (no warm-up results)",
            "bcx round 1: 5 of 20 records lost",
            f"bcx round 2: claims per-key order, broke it for {shuffled.keys_out_of_order} keys",
        ]
        assert exit_code(bad) == 1
