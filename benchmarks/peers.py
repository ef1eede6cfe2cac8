"""Peers benchmark: bcx against the consumers a user would otherwise pick, on one workload and one broker.

Workload (``benchmarks/peers_workload.py``): 5,000 records over 8 partitions and 500 keys (10 records per
key, spread through the topic; ``--zipf S`` skews the keys instead), each awaiting a call of 50–150 ms
(seeded random: a fixed latency hides reordering), producing one result, committing at least once.
Configurations (``benchmarks/peers_workers.py``, ``benchmarks/peers_quix.py``), all at the same window
(``--window``, 256): bcx ordered (default) and ``ordered=False``, a bare confluent-kafka gather loop, the
same loop keeping one key's records in sequence, FastStream's batch subscriber acking after (its concurrent
at-least-once mode) and its ack-after-each subscriber, Quix Streams' defaults; plus bcx and the gather loop
at window 2,048 (``--big-records``) for CPU per record.

Rules, the same for every configuration: a fresh process per configuration and round; rounds interleaved
(A B C … A B C …); start-up excluded the same way (warm-up records first, measuring starts once their
results are visible); throughput = records ÷ (time from producing the backlog to its last result visible
to a ``read_committed`` reader); CPU = the process's own user+sys (``/proc``) over that span; peak RSS =
the process's ``VmHWM``; then, for configurations that kept up with it, a paced phase at ``--rate``/s
whose end-to-end latency counts from each record's intended send time. Loss, duplicates and per-key order
are judged from the result records alone. Sequential peers (~10 records/s) get ``--slow-records``.

    .venv/bin/python -m benchmarks.peers [--quick] [--rounds 2] [--zipf 1.1] [--only bcx,gather]

Uses ``BCX_KAFKA__BOOTSTRAP_SERVERS`` / ``BCX_REGISTRY__URL`` when set, else starts a local broker and
registry. Needs the ``bench`` extra (FastStream); Quix Streams gets its own venv under ``.cache/``.
Measures, never asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from confluent_kafka.admin import AdminClient

from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec, group_topic
from benchmarks.peers_table import Config, Row, configs, exit_code, print_table
from benchmarks.peers_workload import Collector, Record, Seen, judge, produce, workload

ROOT = Path(__file__).resolve().parents[1]
PARTITIONS = 8
WARMUP = 16
QUIX_VENV = ROOT / ".cache" / "bench-quix"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime of every thread of the process


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def quix_python() -> Path | None:
    """The Quix venv's python, created on first use (uv from the dev extra); None when it cannot be."""
    from benchmarks.peers_quix import QUIX_VERSION

    python = QUIX_VENV / "bin" / "python"
    probe = [str(python), "-c", f"import quixstreams as q; assert q.__version__ == {QUIX_VERSION!r}"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    uv = Path(sys.executable).with_name("uv")
    try:
        subprocess.run([str(uv), "venv", "-q", "--python", sys.executable, str(QUIX_VENV)], check=True)
        install = [str(uv), "pip", "install", "-q", "--python", str(python), f"quixstreams=={QUIX_VERSION}"]
        subprocess.run(install, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"Quix Streams venv could not be created ({exc}): its rows are skipped", file=sys.stderr)
        return None
    return python


@dataclass(frozen=True)
class Env:
    bootstrap: str
    registry: str
    run_dir: Path
    quix: Path | None


def worker_argv(env: Env, config: Config, group: str, source: str, sink: str) -> list[str] | None:
    common = ["--bootstrap", env.bootstrap, "--input", source, "--output", sink, "--group", group]
    if config.kind == "quix":
        if env.quix is None:
            return None
        return [str(env.quix), str(ROOT / "benchmarks" / "peers_quix.py"), *common]
    extra = ["--registry", env.registry, "--window", str(config.window)]
    return [sys.executable, "-m", "benchmarks.peers_workers", config.kind, *common, *extra]


class Skip(Exception):
    """A configuration that could not run this round (the row says why)."""


@dataclass
class Worker:
    """One fresh consumer process under test, its topics, and the collector reading its results."""

    proc: subprocess.Popen[bytes]
    source: str
    sink: str
    collector: Collector
    inputs: Collector | None  # the input topic read back too (its records' broker append times)
    results: list[Seen] = field(default_factory=list)
    input_records: list[Seen] = field(default_factory=list)

    def alive(self) -> bool:
        return self.proc.poll() is None


@contextlib.contextmanager
def worker(
    env: Env,
    config: Config,
    rnd: int,
    *,
    topic_configs: dict[str, str] | None = None,
    read_inputs: bool = False,
) -> Iterator[Worker]:
    """Topics, a fresh process for ``config`` and its warm-up results seen (start-up excluded alike).

    Raises :class:`Skip` when it cannot run; on exit stops the process, keeps what the collectors saw
    (``results``, ``input_records``) and deletes the topics."""
    tag = uuid.uuid4().hex[:8]
    group, source, sink = f"bench-peers-{tag}", f"bench.peers.{tag}.in", f"bench.peers.{tag}.out"
    both = dict(topic_configs or {})
    specs = [TopicSpec(source, PARTITIONS, 1, both), TopicSpec(sink, PARTITIONS, 1, both)]
    if config.kind.startswith("bcx"):
        specs += [
            TopicSpec(group_topic(group, "ledger"), 3, 1, {"cleanup.policy": "compact"}),
            TopicSpec(group_topic(group, "dlq"), 1, 1, {}),
        ]
    argv = worker_argv(env, config, group, source, sink)
    if argv is None:
        raise Skip("no Quix venv")
    TopicAdmin({"bootstrap.servers": env.bootstrap}).create(specs)
    collector = Collector(env.bootstrap, sink, PARTITIONS).start()
    inputs = Collector(env.bootstrap, source, PARTITIONS).start() if read_inputs else None
    log = (env.run_dir / f"{config.name}-{rnd}.log").open("wb")
    w = Worker(
        subprocess.Popen(argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT),
        source,
        sink,
        collector,
        inputs,
    )
    try:
        warm = workload(WARMUP, WARMUP, zipf=None, seed=rnd, prefix="warm-")
        produce(env.bootstrap, source, warm, "warm")
        if not collector.wait_for("warm", WARMUP, stall_s=120, alive=w.alive):
            raise Skip("no warm-up results (see its log)")
        yield w
    finally:
        if w.alive():
            w.proc.terminate()
        try:
            w.proc.wait(60)
        except subprocess.TimeoutExpired:
            w.proc.kill()
            w.proc.wait()
        log.close()
        w.results = collector.stop()
        w.input_records = inputs.stop(settle_s=0) if inputs is not None else []
        # log_level 3: no info lines in the table
        admin = AdminClient({"bootstrap.servers": env.bootstrap, "log_level": 3})
        admin.delete_topics([s.name for s in specs])


def run_one(env: Env, config: Config, records: list[Record], args: argparse.Namespace, rnd: int) -> Row:
    paced: list[Record] = []
    try:
        with worker(env, config, rnd) as w:
            load = os.getloadavg()[0]
            cpu0 = cpu_s(w.proc.pid)
            start = produce(env.bootstrap, w.source, records, "backlog")
            w.collector.wait_for("backlog", len(records), stall_s=args.stall_s, alive=w.alive)
            cpu = cpu_s(w.proc.pid) - cpu0 if w.alive() else float("nan")
            backlog_ids = w.collector.ids("backlog")
            elapsed = time.time() - start
            if len(backlog_ids) == len(records) and len(records) / elapsed > args.rate * 1.1 and args.paced_s:
                paced = pace(records, args.rate, args.paced_s)
                produce(env.bootstrap, w.source, paced, "paced", rate=args.rate)
                w.collector.wait_for("paced", len(paced), stall_s=args.stall_s, alive=w.alive)
            rss = peak_rss_mb(w.proc.pid) if w.alive() else float("nan")
    except Skip as why:
        return Row.skipped(config, rnd, str(why))
    backlog = judge(w.results, "backlog", records)
    latency = judge(w.results, "paced", paced) if paced else None
    return Row.measured(config, rnd, backlog, start, cpu, rss, latency, load)


def pace(records: list[Record], rate: float, seconds: float) -> list[Record]:
    """The paced phase's records: the first ``rate × seconds`` of the workload under fresh ids."""
    return [Record(r.id + 10**6, r.key, r.seq + 10**6, r.call_s) for r in records[: int(rate * seconds)]]


def describe(config: Config, records: list[Record]) -> str:
    """The workload's key shape: the hottest key's calls bound any per-key-ordered consumer from below."""
    chains: dict[str, float] = {}
    counts: dict[str, int] = {}
    for r in records:
        chains[r.key] = chains.get(r.key, 0.0) + r.call_s
        counts[r.key] = counts.get(r.key, 0) + 1
    hot = max(chains, key=lambda k: chains[k])
    return (
        f"# {config.name}: {len(records)} records, {len(chains)} keys, hottest key {counts[hot]} records "
        f"(its calls in sequence take {chains[hot]:.1f} s: the floor for any per-key-ordered consumer)"
    )


@contextlib.contextmanager
def infrastructure() -> Iterator[tuple[str, str]]:
    bootstrap, registry = os.environ.get("BCX_KAFKA__BOOTSTRAP_SERVERS"), os.environ.get("BCX_REGISTRY__URL")
    if bootstrap and registry:
        yield bootstrap, registry
        return
    from tests.support.infra import infrastructure as start

    with start(Path(tempfile.mkdtemp(prefix="bcx-bench-"))) as infra:
        yield infra.bootstrap_servers, infra.registry_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1,000 records, 1 round, short paced phase")
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--keys", type=int, default=500)
    parser.add_argument("--zipf", type=float, default=None, metavar="S", help="Zipf-skewed keys, exponent S")
    parser.add_argument("--window", type=int, default=256)
    parser.add_argument("--big-window", type=int, default=2048)
    parser.add_argument("--big-records", type=int, default=20000, help="records at the big window")
    parser.add_argument("--slow-records", type=int, default=200, help="records for sequential peers")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rate", type=float, default=500.0, help="paced phase: records/s")
    parser.add_argument("--paced-s", type=float, default=6.0, help="paced phase length (0: none)")
    parser.add_argument("--stall-s", type=float, default=60.0, help="give up after this long without results")
    parser.add_argument("--only", type=lambda s: s.split(","), default=None, help="configuration names")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    if args.quick:
        args.records, args.keys, args.rounds, args.paced_s = 1000, 100, 1, 3.0
        args.big_records, args.slow_records = 5000, 100
    chosen = [c for c in configs(args) if args.only is None or c.name in args.only]
    command = " ".join(["python -m benchmarks.peers", *(argv if argv is not None else sys.argv[1:])])
    print(f"# {command}\n# {platform.node()}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC')}")
    print("# load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    run_dir = Path(tempfile.mkdtemp(prefix="bench-peers-"))
    quix = quix_python() if any(c.kind == "quix" for c in chosen) else None
    rows: list[Row] = []
    with infrastructure() as (bootstrap, registry):
        env = Env(bootstrap, registry, run_dir, quix)
        for rnd in range(args.rounds):
            for config in chosen:
                keys = max(1, args.keys * config.records // args.records)
                records = workload(config.records, keys, zipf=args.zipf, seed=args.seed, prefix="k")
                if rnd == 0:
                    print(describe(config, records), flush=True)
                row = run_one(env, config, records, args, rnd)
                rows.append(row)
                print(row.line(), flush=True)
    print_table(rows, args, command)
    print(f"# worker logs: {run_dir}")
    return exit_code(rows)


if __name__ == "__main__":
    raise SystemExit(main())
