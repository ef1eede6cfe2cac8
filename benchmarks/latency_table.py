"""What ``benchmarks/runtime_latency.py`` computes from the records it read back, and how it prints it.

Per paced record (its first result; replays are the judge's business), with ``d`` its own call:

- **ack**: result appended − ready − ``d``, both times the broker's (``LogAppendTime``, one clock). Ready is
  the input's append time; for a consumer that keeps per-key order, the later of that and the append of
  the same key's previous result (a record cannot start before it: that wait is the order, not the
  runtime). For an at-least-once consumer the append is the broker acknowledging the result; inside a
  transaction it is only written, not yet visible.
- **ack from send**: result appended − intended send time − ``d``: adds the producer and the input's way
  to the broker; a late producer adds to it (no coordinated omission).
- **visible**: first seen by a ``read_committed`` reader − intended send time − ``d``: what a subscriber
  waits; transactional results become visible at the commit.
- **end to end**: first seen − intended send time (the call included).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from benchmarks.peers_table import Config, span
from benchmarks.peers_workload import Seen, Verdict, percentile


@dataclass(frozen=True)
class Overheads:
    """p50 / p99 in ms of each measure; NaN where the broker's append times were not available."""

    ack: tuple[float, float]
    ack_from_send: tuple[float, float]
    visible: tuple[float, float]
    end_to_end: tuple[float, float]
    producer_late_p99: float  # input appended − intended send time: how late the pacing producer ran
    records: int


def _p(values: list[float]) -> tuple[float, float]:
    if not values or any(math.isnan(v) for v in values):
        return math.nan, math.nan
    return percentile(values, 0.5), percentile(values, 0.99)


def overheads(results: list[Seen], inputs: list[Seen], phase: str, *, ordered: bool) -> Overheads:
    """The measures above over ``phase``'s records that have both an input and a result."""
    first: dict[int, Seen] = {}
    for s in sorted(results, key=lambda s: s.observed):
        if s.phase == phase:
            first.setdefault(s.id, s)
    sent = {s.id: s for s in inputs if s.phase == phase}
    by_key_seq = {(s.key, s.seq): s for s in first.values()}
    ack, from_send, visible, e2e, late = [], [], [], [], []
    for rid, out in first.items():
        if (inp := sent.get(rid)) is None:
            continue
        ready = inp.appended
        if ordered and (prev := by_key_seq.get((out.key, out.seq - 1))) is not None:
            ready = max(ready, prev.appended)
        ack.append((out.appended - ready - out.call_s) * 1000)
        from_send.append((out.appended - out.intended - out.call_s) * 1000)
        visible.append((out.observed - out.intended - out.call_s) * 1000)
        e2e.append((out.observed - out.intended) * 1000)
        late.append((inp.appended - inp.intended) * 1000)
    return Overheads(_p(ack), _p(from_send), _p(visible), _p(e2e), _p(late)[1], len(ack))


@dataclass(frozen=True)
class LatencyRow:
    config: Config
    delivery: str  # when a result counts as delivered for this consumer
    round: int
    note: str = ""
    verdict: Verdict | None = None
    overheads: Overheads | None = None
    cpu_ms: float = math.nan
    load: float = math.nan

    def order(self) -> str:
        if self.verdict is None:
            return "–"
        return ("claims order, " if self.config.claims_order else "") + self.verdict.order

    def line(self) -> str:
        v, o = self.verdict, self.overheads
        if v is None or o is None:
            return f"| {self.config.name} | {self.round} | skipped: {self.note} |"
        return (
            f"| {self.config.name} | {self.round} | {o.records} | {pair(o.ack)} | {pair(o.ack_from_send)} | "
            f"{pair(o.visible)} | {pair(o.end_to_end)} | {o.producer_late_p99:.1f} | {self.cpu_ms:.3f} | "
            f"{v.lost} | {v.duplicates} | {self.order()} | {self.load:.2f} |"
        )


def ranges(pairs: list[tuple[float, float]]) -> str:
    """p50 / p99 ranges over rounds, whole ms."""
    return f"{span([p[0] for p in pairs], '.0f')} / {span([p[1] for p in pairs], '.0f')}"


def pair(p: tuple[float, float]) -> str:
    return "n/a" if math.isnan(p[0]) else f"{p[0]:.1f} / {p[1]:.1f}"


HEADER = (
    "| config | round | records | over the call, input appended → result appended p50 / p99 ms | "
    "over the call, intended send → result appended | over the call, intended send → visible "
    "(read_committed) | end to end, intended send → visible | producer late p99 ms | CPU ms/record | lost | "
    "duplicates | per-key order (from outputs) | load 1m |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def print_tables(rows: list[LatencyRow], rounds: int, rate: float, command: str) -> None:
    print("\n## Every run\n")
    print(HEADER)
    for row in rows:
        print(row.line())
    if any(r.overheads is not None and math.isnan(r.overheads.ack[0]) for r in rows):
        print(
            "\n**The broker gave no append times (topics not LogAppendTime?): the append columns are n/a.**"
        )
    print(
        f"\n## Summary (range over {rounds} round(s), {rate:.0f} records/s; ms over each record's own call)\n"
    )
    print(
        "| consumer | a result counts at | p50 over the call, input appended → result appended | p99, same | "
        "p50 / p99 from intended send → result appended | p50 / p99 from intended send → visible | "
        "end to end p50 / p99 | CPU ms/record | lost | dup | per-key order |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in dict.fromkeys(r.config.name for r in rows):
        mine = [
            r for r in rows if r.config.name == name and r.overheads is not None and r.verdict is not None
        ]
        if not mine:
            print(f"| {name} | not run: {next(r.note for r in rows if r.config.name == name)} |")
            continue
        o = [r.overheads for r in mine if r.overheads is not None]
        v = [r.verdict for r in mine if r.verdict is not None]
        broken = [float(x.keys_out_of_order) for x in v]
        order = "kept" if not any(broken) else f"broken ({span(broken, '.0f')} keys)"
        claims = "claims order, " if mine[0].config.claims_order else ""
        print(
            f"| {mine[0].config.label} | {mine[0].delivery} | {span([x.ack[0] for x in o], '.1f')} | "
            f"{span([x.ack[1] for x in o], '.1f')} | {ranges([x.ack_from_send for x in o])} | "
            f"{ranges([x.visible for x in o])} | {ranges([x.end_to_end for x in o])} | "
            f"{span([r.cpu_ms for r in mine], '.3f')} | {sum(x.lost for x in v)} | "
            f"{sum(x.duplicates for x in v)} | {claims}{order} |"
        )
    one, five, fifteen = os.getloadavg()
    print(f"\nload average at end: {one:.2f} {five:.2f} {fifteen:.2f}; command: `{command}`")
