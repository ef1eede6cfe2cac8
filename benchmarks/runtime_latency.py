"""Runtime latency benchmark: what the consumer runtime adds to each call at a steady rate, beside baselines.

Issue 19's aim: "latency overhead of the runtime over the call itself ≤ 15 ms at p50, stated at p99, at
500 records/s". Each configuration consumes records produced at ``--rate``/s, each at its intended send
time (a late producer adds to latency: no coordinated omission), each awaiting its own call of 50–150 ms
(``d``, seeded) and producing one result. Input and output topics use ``message.timestamp.type=
LogAppendTime``, so the broker stamps both the input and the result on one clock: the headline figure is
result appended − input appended − ``d`` (for ordered consumers, from the later of the input's append and
the same key's previous result: that wait is the order's, not the runtime's). Beside it: the same from the
intended send time, and until a ``read_committed`` reader sees the result (``benchmarks/latency_table.py``).

Configurations (window 256, a fresh process each, rounds interleaved, start-up excluded by warm-up records):

- ``bcx-alo`` / ``bcx-alo-unordered``: the runtime at least once (``BCX_CONSUMER__TRANSACTIONS=false``):
  each result is acknowledged by the broker before its offset may be committed; ordered per key (default)
  and not;
- ``bcx`` / ``bcx-commit-100ms``: the default, results in transactions committed every
  ``commit_interval_s`` (1 s; 100 ms): visible to ``read_committed`` readers only at the commit (the
  figure that counts for them); their append times also include the transactional producer's 50 ms
  linger, which the commit cuts short and no reader can see;
- ``gather``: the bare confluent-kafka loop (``consume(256)``, gather the calls, produce, flush, commit):
  the baseline of the peers suite, whose batch waits for its slowest call;
- ``tasks``: a bare asyncio loop, one task per record, results produced as their calls end, offsets of
  acknowledged results committed every second (``benchmarks/tasks_worker.py``): the floor for a
  per-record concurrent at-least-once consumer.

Loss, duplicates and per-key order are judged from the results (the peers judge).

    .venv/bin/python -m benchmarks.runtime_latency [--rounds 2] [--rate 500] [--paced-s 8] [--only bcx,tasks]

Uses ``BCX_KAFKA__BOOTSTRAP_SERVERS`` / ``BCX_REGISTRY__URL`` when set, else starts a local broker and
registry. Measures, never asserts.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.latency_table import LatencyRow, overheads, print_tables
from benchmarks.peers import Env, Skip, cpu_s, infrastructure, pace, worker
from benchmarks.peers_table import Config, exit_code
from benchmarks.peers_workload import judge, produce, workload

LOG_APPEND_TIME = {"message.timestamp.type": "LogAppendTime"}
ACK = "broker ack (at least once)"


def configs(window: int, records: int) -> list[tuple[Config, str]]:
    """Each configuration with the moment its result counts as delivered."""
    return [
        (Config("bcx-alo", "bcx-alo", window, records, True, "bcx at least once (ordered)"), ACK),
        (
            Config(
                "bcx-alo-unordered",
                "bcx-alo-unordered",
                window,
                records,
                False,
                "bcx at least once, unordered",
            ),
            ACK,
        ),
        (
            Config("bcx", "bcx", window, records, True, "bcx default (transactions, ordered)"),
            "transaction commit, every 1 s",
        ),
        (
            Config(
                "bcx-commit-100ms", "bcx-commit-100ms", window, records, True, "bcx transactions every 100 ms"
            ),
            "transaction commit, every 100 ms",
        ),
        (
            Config("gather", "gather", window, records, False, f"gather loop, consume({window})"),
            ACK + ", batch",
        ),
        (Config("tasks", "tasks", window, records, False, "asyncio loop, a task per record"), ACK),
    ]


def run_one(env: Env, config: Config, delivery: str, args: argparse.Namespace, rnd: int) -> LatencyRow:
    records = workload(int(args.rate * args.paced_s), args.keys, zipf=None, seed=args.seed + rnd, prefix="k")
    paced = pace(records, args.rate, args.paced_s)
    try:
        with worker(env, config, rnd, topic_configs=LOG_APPEND_TIME, read_inputs=True) as w:
            load = os.getloadavg()[0]
            cpu0 = cpu_s(w.proc.pid)
            produce(env.bootstrap, w.source, paced, "paced", rate=args.rate)
            w.collector.wait_for("paced", len(paced), stall_s=args.stall_s, alive=w.alive)
            cpu = cpu_s(w.proc.pid) - cpu0 if w.alive() else math.nan
    except Skip as why:
        return LatencyRow(config, delivery, rnd, note=str(why))
    verdict = judge(w.results, "paced", paced)
    found = overheads(w.results, w.input_records, "paced", ordered=config.claims_order)
    note = "" if verdict.lost == 0 else f"{verdict.lost} not seen before the stall timeout"
    return LatencyRow(
        config, delivery, rnd, note, verdict, found, cpu / max(verdict.distinct, 1) * 1000, load
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rate", type=float, default=500.0, help="records/s")
    parser.add_argument("--paced-s", type=float, default=8.0, help="seconds of paced records per run")
    parser.add_argument("--keys", type=int, default=500, help="distinct keys (repeats make order checkable)")
    parser.add_argument("--window", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--stall-s", type=float, default=30.0, help="give up after this long without results")
    parser.add_argument("--only", type=lambda s: s.split(","), default=None, help="configuration names")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    chosen = [
        c
        for c in configs(args.window, int(args.rate * args.paced_s))
        if args.only is None or c[0].name in args.only
    ]
    command = " ".join(
        ["python -m benchmarks.runtime_latency", *(argv if argv is not None else sys.argv[1:])]
    )
    print(f"# {command}\n# {platform.node()}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC')}")
    print("# load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    run_dir = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    rows: list[LatencyRow] = []
    with infrastructure() as (bootstrap, registry):
        env = Env(bootstrap, registry, run_dir, None)
        for rnd in range(args.rounds):
            for config, delivery in chosen:
                row = run_one(env, config, delivery, args, rnd)
                rows.append(row)
                print(row.line(), flush=True)
    print_tables(rows, args.rounds, args.rate, command)
    print(f"# worker logs: {run_dir}")
    return exit_code(rows)


if __name__ == "__main__":
    raise SystemExit(main())
