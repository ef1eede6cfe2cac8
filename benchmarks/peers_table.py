"""The peers benchmark's configurations and how its results are printed (a markdown table per run)."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from benchmarks.peers_workload import Verdict


@dataclass(frozen=True)
class Config:
    name: str
    kind: str  # the worker (benchmarks/peers_workers.py, or "quix")
    window: int
    records: int
    claims_order: bool  # whether the mode promises per-key order
    label: str


def configs(args: argparse.Namespace) -> list[Config]:
    w, big, n = args.window, args.big_window, args.records
    return [
        Config("bcx", "bcx", w, n, True, f"bcx default (ordered, window {w})"),
        Config("bcx-unordered", "bcx-unordered", w, n, False, "bcx `ordered=False`"),
        Config("bcx-commit-100ms", "bcx-commit-100ms", w, n, True, "bcx default, transactions every 100 ms"),
        Config(
            "gather", "gather", w, n, False, f"confluent-kafka loop: consume({w}), gather, produce, commit"
        ),
        Config("gather-keyed", "gather-keyed", w, n, True, "same loop, one key's records in sequence"),
        Config(
            "faststream-batch",
            "faststream-batch",
            w,
            n,
            False,
            f"FastStream batch subscriber (max_records={w}), AckPolicy.ACK after the batch",
        ),
        Config(
            "faststream-each",
            "faststream-each",
            w,
            args.slow_records,
            True,
            "FastStream subscriber, AckPolicy.ACK after each",
        ),
        Config("quix", "quix", w, args.slow_records, True, "Quix Streams defaults (at-least-once)"),
        Config("bcx-big", "bcx", big, args.big_records, True, f"bcx default, window {big}"),
        Config(
            "bcx-unordered-big", "bcx-unordered", big, args.big_records, False, f"bcx unordered, window {big}"
        ),
        Config("gather-big", "gather", big, args.big_records, False, f"gather loop, consume({big})"),
    ]


class Judged(Protocol):
    """A run's row (peers or latency): its configuration, round, why it was not measured, its verdict."""

    @property
    def config(self) -> Config: ...
    @property
    def round(self) -> int: ...
    @property
    def note(self) -> str: ...
    @property
    def verdict(self) -> Verdict | None: ...


def failures(rows: Iterable[Judged]) -> list[str]:
    """What makes a run not a measurement: a configuration not measured, records lost, or per-key order
    broken where the configuration claims it. A benchmark exits non-zero on any (never a false green)."""
    found: list[str] = []
    for row in rows:
        where = f"{row.config.name} round {row.round}"
        v = row.verdict
        if v is None:
            found.append(f"{where}: not measured ({row.note})")
            continue
        if v.lost:
            found.append(f"{where}: {v.lost} of {v.expected} records lost")
        if row.config.claims_order and v.keys_out_of_order:
            found.append(f"{where}: claims per-key order, broke it for {v.keys_out_of_order} keys")
    return found


def exit_code(rows: Iterable[Judged]) -> int:
    """0 when every row is a measurement; else 1, each failure printed as a last line."""
    found = failures(rows)
    for line in found:
        print(f"# FAILED: {line}")
    return 1 if found else 0


@dataclass(frozen=True)
class Row:
    config: Config
    round: int
    note: str = ""
    verdict: Verdict | None = None
    per_s: float = math.nan
    cpu_ms: float = math.nan
    rss_mb: float = math.nan
    latency: Verdict | None = None
    load: float = math.nan

    @classmethod
    def skipped(cls, config: Config, rnd: int, why: str) -> Row:
        return cls(config, rnd, note=why)

    @classmethod
    def measured(
        cls,
        config: Config,
        rnd: int,
        v: Verdict,
        start: float,
        cpu_s: float,
        rss_mb: float,
        latency: Verdict | None,
        load: float,
    ) -> Row:
        elapsed = v.last_observed - start
        note = "" if v.lost == 0 else f"{v.lost} not seen before the stall timeout"
        return cls(
            config,
            rnd,
            note=note,
            verdict=v,
            per_s=v.distinct / elapsed if elapsed > 0 else math.nan,
            cpu_ms=cpu_s / max(v.distinct, 1) * 1000,
            rss_mb=rss_mb,
            latency=latency,
            load=load,
        )

    def order(self) -> str:
        if self.verdict is None:
            return "–"
        return ("claims order, " if self.config.claims_order else "") + self.verdict.order

    def latency_text(self) -> str:
        if self.latency is None:
            return "–"
        return f"{self.latency.p50_ms:.0f} / {self.latency.p99_ms:.0f} (+{self.latency.overhead_p50_ms:.0f})"

    def line(self) -> str:
        v = self.verdict
        if v is None:
            return f"| {self.config.name} | {self.round} | skipped: {self.note} |"
        return (
            f"| {self.config.name} | {self.round} | {self.config.window} | {v.expected} | "
            f"{self.per_s:,.0f} | "
            f"{self.cpu_ms:.4f} | {self.rss_mb:.0f} | {self.latency_text()} | {v.lost} | {v.duplicates} | "
            f"{self.order()} | {self.load:.2f} |"
        )


HEADER = (
    "| config | round | window | records | records/s | CPU ms/record | peak RSS MB | "
    "p50 / p99 ms at rate (+call overhead p50) | lost | duplicates | per-key order (from outputs) | "
    "load 1m |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def span(values: list[float], fmt: str) -> str:
    good = [v for v in values if not math.isnan(v)]
    if not good:
        return "–"
    lo, hi = min(good), max(good)
    return format(lo, fmt) if format(lo, fmt) == format(hi, fmt) else f"{format(lo, fmt)}–{format(hi, fmt)}"


def print_table(rows: list[Row], args: argparse.Namespace, command: str) -> None:
    print("\n## Every run\n")
    print(HEADER)
    for row in rows:
        print(row.line())
    print(f"\n## Summary (range over {args.rounds} round(s); paced phase at {args.rate:.0f} records/s)\n")
    print(
        "| consumer | records/s | CPU ms/record | peak RSS MB | p50 / p99 latency ms | lost | dup | "
        "per-key order |"
    )
    print("|---|---|---|---|---|---|---|---|")

    def mean(name_rows: list[Row]) -> tuple[float, float]:
        return (
            sum(r.per_s for r in name_rows) / len(name_rows),
            sum(r.cpu_ms for r in name_rows) / len(name_rows),
        )

    base = {
        w: mean(found)
        for w in {r.config.window for r in rows}
        if (found := [r for r in rows if r.config.kind == "gather" and r.config.window == w and r.verdict])
    }
    for name in dict.fromkeys(r.config.name for r in rows):
        mine = [r for r in rows if r.config.name == name and r.verdict is not None]
        if not mine:
            print(f"| {name} | not run: {next(r.note for r in rows if r.config.name == name)} |")
            continue
        lat = [r.latency for r in mine if r.latency is not None]
        broken = [r.verdict.keys_out_of_order for r in mine if r.verdict]
        order = "kept" if not any(broken) else f"broken ({span([float(b) for b in broken], '.0f')} keys)"
        if mine[0].config.claims_order:
            order = f"claims order, {order}"
        print(
            f"| {mine[0].config.label} | {span([r.per_s for r in mine], ',.0f')} | "
            f"{span([r.cpu_ms for r in mine], '.4f')} | {span([r.rss_mb for r in mine], '.0f')} | "
            + (
                f"{span([v.p50_ms for v in lat], '.0f')} / {span([v.p99_ms for v in lat], '.0f')} | "
                if lat
                else "– | "
            )
            + f"{sum(r.verdict.lost for r in mine if r.verdict)} | "
            f"{sum(r.verdict.duplicates for r in mine if r.verdict)} | {order} |"
        )
    ratios = []
    for name in ("bcx", "bcx-unordered", "bcx-big", "bcx-unordered-big"):
        mine = [r for r in rows if r.config.name == name and r.verdict is not None]
        if mine and (ref := base.get(mine[0].config.window)) is not None:
            rate, cpu = (value / ref_value for value, ref_value in zip(mean(mine), ref, strict=True))
            ratios.append(f"{name}: {rate:.2f}× the gather loop's records/s, {cpu:.2f}× its CPU per record")
    if ratios:
        print("\nAt equal window (means over the rounds): " + "; ".join(ratios) + ".")
    one, five, fifteen = os.getloadavg()
    print(f"\nload average at end: {one:.2f} {five:.2f} {fifteen:.2f}; command: `{command}`")
