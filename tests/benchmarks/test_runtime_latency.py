"""The runtime latency benchmark's pure parts: its overhead measures and the task loop's commit tracker."""

from __future__ import annotations

import math

from benchmarks.latency_table import overheads, pair
from benchmarks.peers_workload import Seen
from benchmarks.tasks_worker import Finished


def seen(rid: int, key: str, seq: int, *, appended: float, observed: float, call_s: float = 0.1) -> Seen:
    return Seen(rid, key, seq, call_s, 10.0, "paced", observed, 0, rid, appended)


def sent(rid: int, key: str, seq: int, *, appended: float) -> Seen:
    return Seen(rid, key, seq, 0.1, 10.0, "paced", appended, 0, rid, appended)


class TestOverheads:
    def test_each_measure_subtracts_the_records_own_call(self) -> None:
        """Ack counts from the input's append, ack-from-send and visible from the intended send, minus d."""
        found = overheads(
            [seen(1, "a", 0, appended=10.125, observed=10.130)],
            [sent(1, "a", 0, appended=10.005)],
            "paced",
            ordered=False,
        )
        assert found.records == 1
        assert math.isclose(found.ack[0], 20.0, abs_tol=1e-6)  # 10.125 − 10.005 − 0.1
        assert math.isclose(found.ack_from_send[0], 25.0, abs_tol=1e-6)  # 10.125 − 10.0 − 0.1
        assert math.isclose(found.visible[0], 30.0, abs_tol=1e-6)
        assert math.isclose(found.end_to_end[0], 130.0, abs_tol=1e-6)
        assert math.isclose(found.producer_late_p99, 5.0, abs_tol=1e-6)

    def test_an_ordered_record_is_ready_only_once_its_keys_previous_result_was_appended(self) -> None:
        """Waiting behind the same key's earlier record is the order's cost, not the runtime's."""
        results = [
            seen(1, "a", 0, appended=10.110, observed=10.11),
            seen(2, "a", 1, appended=10.215, observed=10.22),  # its input came at 10.01, ran after 10.110
        ]
        inputs = [sent(1, "a", 0, appended=10.0), sent(2, "a", 1, appended=10.01)]
        ordered = overheads(results, inputs, "paced", ordered=True)
        unordered = overheads(results, inputs, "paced", ordered=False)
        assert math.isclose(ordered.ack[1], 10.0, abs_tol=1e-6)  # max of 10 (first) and 5 (second) ms
        assert math.isclose(unordered.ack[1], 105.0, abs_tol=1e-6)  # 10.215 − 10.01 − 0.1

    def test_only_the_first_result_of_a_replayed_record_counts(self) -> None:
        """A replay seen later does not raise the figures: the judge counts it as a duplicate instead."""
        results = [
            seen(1, "a", 0, appended=10.110, observed=10.11),
            seen(1, "a", 0, appended=12.0, observed=12.0),
        ]
        found = overheads(results, [sent(1, "a", 0, appended=10.0)], "paced", ordered=False)
        assert found.records == 1
        assert math.isclose(found.ack[1], 10.0, abs_tol=1e-6)

    def test_without_broker_append_times_the_ack_measures_are_not_available(self) -> None:
        """Topics that are not LogAppendTime give NaN, printed n/a, never a figure."""
        found = overheads(
            [seen(1, "a", 0, appended=math.nan, observed=10.2)],
            [sent(1, "a", 0, appended=math.nan)],
            "paced",
            ordered=False,
        )
        assert math.isnan(found.ack[0])
        assert math.isnan(found.ack_from_send[0])
        assert pair(found.ack) == "n/a"
        assert not math.isnan(found.visible[0])

    def test_records_of_other_phases_or_without_an_input_are_left_out(self) -> None:
        """Warm-up results and results whose input was never read back are not measured."""
        warm = Seen(5, "w", 0, 0.1, 10.0, "warm", 10.2, 0, 5, 10.2)
        found = overheads([warm, seen(1, "a", 0, appended=10.2, observed=10.2)], [], "paced", ordered=False)
        assert found.records == 0
        assert all(math.isnan(v) for v in (*found.ack, *found.visible, *found.end_to_end))


class TestFinished:
    def test_commits_stop_at_the_first_record_not_yet_acknowledged(self) -> None:
        """Offsets past an unfinished record are never committed (at least once), then advance with it."""
        finished = Finished()
        slots = [finished.handed_out(("t", 0), offset) for offset in (5, 6, 7)]
        slots[0].done = slots[2].done = True
        assert finished.committable() == {("t", 0): 6}
        assert finished.committable() == {}  # nothing new finished in order
        slots[1].done = True
        assert finished.committable() == {("t", 0): 8}

    def test_partitions_are_tracked_apart(self) -> None:
        """A slow record in one partition does not hold another partition's commits."""
        finished = Finished()
        finished.handed_out(("t", 0), 0)
        other = finished.handed_out(("t", 1), 3)
        other.done = True
        assert finished.committable() == {("t", 1): 4}
