"""Benchmark: the webhook bridge vs a bare baseline, on the real broker, driven by wrk.

One command::

    .venv/bin/python -m benchmarks.webhook_bridge            # needs wrk: apt-get install -y wrk

Starts a Kafka broker and Apicurio registry from the local jars (or uses ``BCX_KAFKA__BOOTSTRAP_SERVERS`` and
``BCX_REGISTRY__URL``), then three servers at once, each under uvicorn in its own process (one worker) on
its own 3-partition topic: the bare baseline (``benchmarks.webhook_baseline``), ``bcx bridge`` (INFO
logging to a file, a line per callback, shared-secret auth, duplicate window on) and ``bcx bridge`` with
``BCX_BRIDGE__LOG_ACCEPTED=none`` (lines for rejections only). After a warm-up it drives them in turn with
wrk at each fixed offered rate (paced per request with a monotonic clock, a schedule that never skips),
then at maximum rate in alternating rounds, so outside load on a shared machine falls on all of them
alike. It records throughput, wrk's p50/p99 (from each request's actual send), at fixed rates p50/p99 from
each request's *intended* send time to its record's append in Kafka (``benchmarks/webhook_latency.py``: no
coordinated omission) and how many scheduled requests were never sent, server CPU per request (psutil)
and its ratio to the baseline's beside the throughput ratio, the load average, and finally the records in
Kafka versus 200 answers. Every request carries a unique ``webhook-id`` and resource id, so nothing is
deduplicated. Prints a table and writes JSON to ``var/benchmarks/``. Measures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from confluent_kafka import Consumer, TopicPartition

from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec
from bcx.local.kafka_node import KafkaNode, free_port
from bcx.local.paths import LocalPaths
from bcx.local.registry_node import RegistryNode
from benchmarks.webhook_latency import TOPIC_CONFIG, latencies_by_salt, percentile

ROOT = Path(__file__).resolve().parents[1]
STORE, SECRET_HEADER, SECRET = "bench01", "X-Bcx-Webhook-Secret", "bench-secret-0123456789"
BODY_TEMPLATE = (
    '{"scope":"store/order/statusUpdated","store_id":"1025646","data":{"type":"order","id":%d,'
    '"status":{"previous_status_id":0,"new_status_id":11}},"hash":"7ee67cd1cf2ca60bc1aa9e5fe957d2de373be4ca",'
    '"created_at":1561479335,"producer":"stores/' + STORE + '"}'
)
LUA = r"""
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } bcx_ts; int clock_gettime(int, bcx_ts *); ]]
local ts = ffi.new("bcx_ts")
local function clock_ms(id)
  ffi.C.clock_gettime(id, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local function now_ms() return clock_ms(1) end
local threads = {}
function setup(thread) thread:set("tid", #threads + 1); table.insert(threads, thread) end
function init(args)
  rate = tonumber(args[1]) or 0
  salt = args[2] or "0"
  interval = rate > 0 and 1000 / rate or 0
  counter, statuses, next_at = 0, {}, nil
  slots, first_slot, last_slot = {}, 1, 0
  wall_offset = clock_ms(0) - now_ms()
  hdrs = {["Content-Type"] = "application/json", ["@HEADER@"] = "@SECRET@"}
end
-- The schedule never skips: a request due while every connection was busy is sent late, and its intended
-- time (not its send time) goes into its webhook-id, so latency counts the wait (no coordinated omission).
function delay()
  if interval == 0 then return 0 end
  local t = now_ms()
  if next_at == nil then next_at = t end
  local slot = next_at
  next_at = next_at + interval
  last_slot = last_slot + 1
  slots[last_slot] = slot
  return math.max(0, slot - t)
end
function request()
  counter = counter + 1
  local intended = now_ms()
  if first_slot <= last_slot then  -- timers fire in slot order: the oldest slot is this request's
    intended = slots[first_slot]; slots[first_slot] = nil; first_slot = first_slot + 1
  end
  hdrs["webhook-id"] = string.format("msg_%s_%d_%d_%.1f", salt, tid, counter, intended + wall_offset)
  return wrk.format("POST", "/webhooks/bigcommerce", hdrs, string.format([[@BODY@]], counter))
end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do merged[k] = (merged[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(merged) do table.insert(parts, string.format('"%d":%d', k, v)) end
  local e = summary.errors
  io.write(string.format('BCXJSON {"requests":%d,"duration_us":%d,"errors":%d,"statuses":{%s},'
    .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n', summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ","), latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max))
end
"""


@dataclass
class Run:
    label: str
    offered: float | None  # requests/s, None = as fast as possible
    connections: int
    seconds: float
    requests: int
    ok: int
    errors: int
    statuses: dict[str, int]
    throughput: float  # 200 answers per second
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    cpu_us_per_request: float
    salt: str = ""  # in every webhook-id of this run: finds its records in Kafka
    scheduled: int | None = None  # fixed rate: requests the schedule held (rate × seconds)
    intended_p50_ms: float | None = None  # fixed rate: intended send → record appended in Kafka
    intended_p99_ms: float | None = None
    load_1min: float = 0.0  # the machine's 1-minute load average at the end of the run (this run included)


@dataclass
class ServerResult:
    name: str
    runs: list[Run] = field(default_factory=list)
    ok_total: int = 0  # 200s wrk received (requests still in flight when a run ends are not counted)
    server_accepted: int | None = None  # the bridge's own count of callbacks answered 200 after an ack
    server_duplicates: int | None = None
    records_in_kafka: int = 0


@contextlib.contextmanager
def infrastructure(run_dir: Path) -> Iterator[tuple[str, str]]:
    if os.environ.get("BCX_KAFKA__BOOTSTRAP_SERVERS"):
        yield (
            os.environ["BCX_KAFKA__BOOTSTRAP_SERVERS"],
            os.environ.get("BCX_REGISTRY__URL", "http://127.0.0.1:18081/apis/ccompat/v7"),
        )
        return
    paths = LocalPaths()
    kafka = KafkaNode(paths, run_dir / "kafka", port=free_port(), controller_port=free_port())
    registry = RegistryNode(paths, run_dir / "registry", port=free_port(), management_port=free_port())
    print(f"starting Kafka and Apicurio from local jars in {run_dir} …", flush=True)
    kafka.start()
    try:
        registry.start()
        try:
            yield kafka.bootstrap_servers, registry.url
        finally:
            registry.stop()
    finally:
        kafka.stop()


def records_in(bootstrap: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-{uuid.uuid4().hex[:6]}"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        total = 0
        for p in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            total += high - low
        return total
    finally:
        consumer.close()


def start_server(name: str, env: dict[str, str], log: Path, port: int) -> subprocess.Popen[bytes]:
    argv = (
        [sys.executable, "-m", "bcx_app.cli.main", "bridge"]
        if name.startswith("bridge")
        else [sys.executable, "-m", "benchmarks.webhook_baseline"]
    )
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
        )
    probe = f"http://127.0.0.1:{port}/" + ("readyz" if name.startswith("bridge") else "")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(probe, timeout=2).status_code == 200:
                return proc
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{name} did not become ready: {log.read_text()[-2000:]}")


def wrk(script: Path, port: int, seconds: float, connections: int, rate: float | None) -> dict[str, Any]:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script)]
    # a fresh salt per run keeps every webhook-id unique, so the duplicate window never short-cuts
    salt = uuid.uuid4().hex[:8]
    argv += [f"http://127.0.0.1:{port}", "--", str(rate or 0), salt]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BCXJSON "))
    result: dict[str, Any] = json.loads(line.removeprefix("BCXJSON "))
    result["salt"] = salt
    return result


def start_profiler(
    name: str, pid: int, seconds: float, args: argparse.Namespace
) -> subprocess.Popen[bytes] | None:
    """With ``--profile DIR``: py-spy samples the server during its max-rate runs (speedscope JSON in DIR).

    Sampling costs the server CPU, so figures from a profiled run are not comparable with unprofiled ones.
    """
    if args.profile is None:
        return None
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    args.profile.mkdir(parents=True, exist_ok=True)
    out = args.profile / f"{name}-{time.strftime('%H%M%S')}.speedscope.json"
    argv = [spy, "record", "-p", str(pid), "-r", "250", "-d", str(int(seconds)), "--nonblocking"]
    return subprocess.Popen(
        [*argv, "-f", "speedscope", "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def measure(
    name: str,
    proc: subprocess.Popen[bytes],
    script: Path,
    port: int,
    rate: float | None,
    args: argparse.Namespace,
) -> Run:
    connections = args.connections if rate is None else args.paced_connections
    seconds = args.max_seconds if rate is None else args.seconds
    process = psutil.Process(proc.pid)
    spy = start_profiler(name, proc.pid, seconds, args) if rate is None else None
    before = process.cpu_times()
    raw = wrk(script, port, seconds, connections, rate)
    after = process.cpu_times()
    if spy is not None:
        spy.wait(timeout=seconds + 60)
    cpu = (after.user - before.user) + (after.system - before.system)
    ok = int(raw["statuses"].get("200", 0))
    elapsed = raw["duration_us"] / 1e6
    return Run(
        label=name,
        offered=rate,
        connections=connections,
        seconds=round(elapsed, 2),
        requests=raw["requests"],
        ok=ok,
        errors=raw["errors"],
        statuses=raw["statuses"],
        throughput=round(ok / elapsed, 1),
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        cpu_us_per_request=round(cpu / max(raw["requests"], 1) * 1e6, 1),
        salt=raw["salt"],
        scheduled=None if rate is None else int(rate * elapsed),
        load_1min=round(os.getloadavg()[0], 2),
    )


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    topic: str
    result: ServerResult


def start_bench_server(name: str, bootstrap: str, registry: str, run_dir: Path) -> Server:
    topic = f"bench.webhooks.{name}.{uuid.uuid4().hex[:6]}"
    TopicAdmin({"bootstrap.servers": bootstrap}).create([TopicSpec(topic, 3, 1, TOPIC_CONFIG)])
    port = free_port()
    env = {
        "BCX_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
        "BCX_KAFKA__CLIENT_ID": f"bench-{name}",
        "BCX_REGISTRY__URL": registry,
        "BCX_BRIDGE__PORT": str(port),
        "BCX_BRIDGE__TOPIC": topic,
        "BCX_BRIDGE__STORES": json.dumps({STORE: {"secret_header": SECRET_HEADER, "secret": SECRET}}),
        "BCX_LOG__FORMAT": "json",
        "BCX_LOG__LEVEL": "INFO",
        # "bridge" logs one canonical line per callback; "bridge-quiet" only those not accepted
        "BCX_BRIDGE__LOG_ACCEPTED": "none" if name == "bridge-quiet" else "all",
    }
    proc = start_server(name, env, run_dir / f"{name}.log", port)
    return Server(name, proc, port, topic, ServerResult(name))


def bench_servers(
    names: list[str], bootstrap: str, registry: str, run_dir: Path, args: argparse.Namespace
) -> list[ServerResult]:
    """All servers run at once (idle unless driven) and are measured in turn for every rate, and the
    max-rate runs alternate over ``--max-rounds`` rounds, so outside load that comes and goes on a shared
    machine falls on every server alike instead of on whichever happened to be measured then."""
    script = run_dir / "webhooks.lua"
    script.write_text(
        LUA.replace("@HEADER@", SECRET_HEADER).replace("@SECRET@", SECRET).replace("@BODY@", BODY_TEMPLATE)
    )
    servers: list[Server] = []
    try:
        for name in names:
            servers.append(start_bench_server(name, bootstrap, registry, run_dir))
        for server in servers:
            warm = wrk(script, server.port, args.warmup, args.connections, None)
            server.result.ok_total += int(warm["statuses"].get("200", 0))
        schedule: list[float | None] = [*args.rates, *([None] * args.max_rounds)]
        for rate in schedule:
            for server in servers:
                run = measure(server.name, server.proc, script, server.port, rate, args)
                server.result.runs.append(run)
                server.result.ok_total += run.ok
                print(f"  {server.name:12} {describe(run)}  load {run.load_1min:.2f}", flush=True)
        for server in servers:
            counts = bridge_counts(server.name, server.port)
            server.result.server_accepted, server.result.server_duplicates = counts
    finally:
        for server in servers:
            server.proc.send_signal(signal.SIGTERM)  # graceful: finish in-flight, flush the producer
        for server in servers:
            server.proc.wait(timeout=60)
    for server in servers:
        server.result.records_in_kafka = records_in(bootstrap, server.topic)
        by_salt = latencies_by_salt(bootstrap, server.topic)
        for run in server.result.runs:
            if run.offered is not None and (values := by_salt.get(run.salt)):
                run.intended_p50_ms = round(percentile(values, 0.5), 2)
                run.intended_p99_ms = round(percentile(values, 0.99), 2)
    return [server.result for server in servers]


def max_rate(result: ServerResult) -> tuple[float, float]:
    """Mean throughput and CPU per request over the server's max-rate rounds."""
    runs = [run for run in result.runs if run.offered is None]
    return (
        round(sum(r.throughput for r in runs) / len(runs), 1),
        round(sum(r.cpu_us_per_request for r in runs) / len(runs), 1),
    )


def bridge_counts(name: str, port: int) -> tuple[int | None, int | None]:
    """The bridge's accepted and duplicate counters from /metrics (the baseline has none)."""
    if not name.startswith("bridge"):
        return None, None
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    totals = {"accepted": 0.0, "duplicate": 0.0}
    for line in text.splitlines():
        if line.startswith("bcx_bridge_requests_total{"):
            for outcome in totals:
                if f'outcome="{outcome}"' in line:
                    totals[outcome] += float(line.rsplit(" ", 1)[1])
    return int(totals["accepted"]), int(totals["duplicate"])


def describe(run: Run) -> str:
    offered = f"{run.offered:>6.0f}/s" if run.offered else "   max  "
    return (
        f"offered {offered}  got {run.throughput:>7.1f}/s  p50 {run.p50_ms:6.2f} ms  "
        f"p99 {run.p99_ms:7.2f} ms  CPU {run.cpu_us_per_request:6.1f} µs/req  "
        f"non-200 {run.requests - run.ok}  errors {run.errors}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rates", type=lambda s: [float(x) for x in s.split(",")], default=[500, 1000, 2000, 3000]
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each fixed-rate run")
    parser.add_argument("--max-seconds", type=float, default=20.0, help="length of the max-rate run")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument(
        "--max-rounds", type=int, default=2, help="max-rate runs per server, alternating between servers"
    )
    parser.add_argument("--connections", type=int, default=64, help="connections for the max-rate run")
    parser.add_argument("--paced-connections", type=int, default=32, help="connections for fixed rates")
    parser.add_argument(
        "--servers",
        type=lambda s: s.split(","),
        default=["baseline", "bridge", "bridge-quiet"],
        help="which servers to measure, in order",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "benchmarks")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="sample each server with py-spy (dev extra) at max rate; write speedscope files here",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "wrk is not installed: apt-get install -y wrk (Debian/Ubuntu) or brew install wrk",
            file=sys.stderr,
        )
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    load_at_start = os.getloadavg()
    print(f"load average at start: {load_at_start[0]:.2f} {load_at_start[1]:.2f} {load_at_start[2]:.2f}")
    run_dir = Path(tempfile.mkdtemp(prefix="bench-webhooks-", dir=args.out))
    with infrastructure(run_dir) as (bootstrap, registry):
        results = bench_servers(args.servers, bootstrap, registry, run_dir, args)
    best = {r.name: max_rate(r)[0] for r in results}
    cpu = {r.name: max_rate(r)[1] for r in results}
    ratios = (
        {name: round(value / best["baseline"], 3) for name, value in best.items() if name != "baseline"}
        if best.get("baseline")
        else {}
    )
    cpu_ratios = (
        {name: round(cpu["baseline"] / value, 3) for name, value in cpu.items() if name != "baseline"}
        if cpu.get("baseline")
        else {}
    )
    summary = {
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_at_start": load_at_start,
            "load_avg_at_end": os.getloadavg(),
        },
        "max_throughput": best,
        "ratio_to_baseline": ratios,
        "max_rate_cpu_us_per_request": cpu,
        "baseline_cpu_over_server_cpu": cpu_ratios,
        "servers": [asdict(r) for r in results],
    }
    print(
        "\n| server | offered/s | got/s | wrk p50 / p99 ms (from send) | p50 / p99 ms from intended send | ",
        end="",
    )
    print("scheduled, not sent | CPU µs/req | non-200 |\n|---|---|---|---|---|---|---|---|")
    for result in results:
        for run in result.runs:
            offered = f"{run.offered:.0f}" if run.offered else "max"
            intended = (
                f"{run.intended_p50_ms:.1f} / {run.intended_p99_ms:.1f}"
                if run.intended_p50_ms is not None
                else "–"
            )
            unsent = max(0, run.scheduled - run.requests) if run.scheduled is not None else "–"
            print(
                f"| {result.name} | {offered} | {run.throughput:.1f} | {run.p50_ms:.2f} / {run.p99_ms:.2f} | "
                f"{intended} | {unsent} | {run.cpu_us_per_request:.1f} | {run.requests - run.ok} |"
            )
        print(
            f"{result.name:9} 200s received by wrk {result.ok_total}, accepted (server count) "
            f"{result.server_accepted if result.server_accepted is not None else 'n/a'}, duplicates "
            f"{result.server_duplicates if result.server_duplicates is not None else 'n/a'}, "
            f"records in Kafka {result.records_in_kafka}"
        )
    print(f"max-rate throughput (mean of {args.max_rounds} rounds): {best}")
    print(f"max-rate throughput relative to the baseline: {ratios}")
    print(f"max-rate CPU µs/request: {cpu}; baseline CPU / server CPU: {cpu_ratios}")
    path = args.out / f"webhook_bridge-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(summary, indent=2))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
