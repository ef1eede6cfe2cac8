"""Whether a consumer makes progress: assigned partitions with lag and nothing moving is a stall.

Pure (time passed in). The poll loop reports each consumed or finished record (:meth:`moved`) and the
lag it computed (:meth:`observe_lag`); :meth:`stalled` turns true when partitions are assigned, records
wait (lag > 0) and nothing moved for ``stall_timeout_s``. ``/livez`` then fails, so Kubernetes restarts
the process: the last line of defence against a stall no code path foresaw (a partition left paused, a
call that never returns). The timeout must exceed the attempt deadline, so one slow record is not a stall.
"""

from __future__ import annotations


class ProgressWatch:
    def __init__(self, stall_timeout_s: float, now: float) -> None:
        self.stall_timeout_s = stall_timeout_s
        self.last_progress = now
        self.lag = 0
        self.assigned = 0

    def moved(self, now: float) -> None:
        self.last_progress = now

    def observe_lag(self, lag: int, assigned: int, now: float) -> None:
        if lag == 0 or assigned == 0:
            self.last_progress = now  # caught up (or nothing to do) is not a stall: the clock restarts
        self.lag = lag
        self.assigned = assigned

    def idle_s(self, now: float) -> float:
        return max(0.0, now - self.last_progress)

    def stalled(self, now: float) -> bool:
        return self.assigned > 0 and self.lag > 0 and self.idle_s(now) > self.stall_timeout_s
