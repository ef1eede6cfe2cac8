"""Consumer runtime benchmark: documents/s, CPU per record, memory and added p99 latency.

For each simulated Exstream latency (20/100/200 ms) and in-flight window, a pre-filled 4-partition topic is
consumed by the real runtime (``run_use_case``: poll loop, executor, scheduler, commits, ledger reader) whose
processor makes one Exstream call per record, and — side by side, at the **same window** — by the bare
confluent-kafka gather loop (``consume(window)``, gather the calls, commit): what the runtime is compared
with is a loop of equal concurrency, so the ratios say what the runtime's machinery costs, not how much
concurrency buys. Two kinds of "Exstream call":

- ``sleep``: ``await asyncio.sleep(latency)`` — isolates what the runtime itself costs and achieves;
- ``http``: a real ``ExstreamClient.generate`` against ``bcx sim exstream --benchmark`` in its own process
  (small fixed PDF, no rendering), so HTTP client and server costs are included.

Rules (``benchmarks/runtime_runs.py``): every configuration runs in a fresh process (peak RSS is its own);
time and CPU count from the first call's start to the last call's end on both sides (start-up excluded
alike); the ordering rows use 10 records per key, shuffled, so same-key records meet inside one window.
Ratios to the gather loop are printed for throughput and CPU per record (both move with machine load).

Usage (starts a local broker + registry unless BCX_KAFKA__BOOTSTRAP_SERVERS / BCX_REGISTRY__URL are set)::

    .venv/bin/python -m benchmarks.consumer_runtime [--quick]
    .venv/bin/python -m benchmarks.consumer_runtime --latencies 100 --modes http  # HTTP rows

Measures, never asserts. The peers (FastStream, Quix Streams) are compared in ``benchmarks/peers.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bcx.settings import KafkaSettings, RegistrySettings

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "| run | ms | window | records | keys | docs/s | of ideal | CPU ms/rec | peak RSS MB | added p99 ms | "
    "vs gather: docs/s, CPU/rec |\n|---|---|---|---|---|---|---|---|---|---|---|"
)


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """One configuration in a fresh process (``benchmarks/runtime_runs.py``)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.runtime_runs", json.dumps(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"{spec['kind']} run failed: {out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return result


def row(r: dict[str, Any], ideal: float, base: dict[str, Any] | None) -> str:
    vs = "–"
    if base is not None and base is not r and base["docs_per_s"] and base["cpu_ms_per_record"]:
        vs = (
            f"{r['docs_per_s'] / base['docs_per_s']:.2f}×, "
            f"{r['cpu_ms_per_record'] / base['cpu_ms_per_record']:.2f}×"
        )
    return (
        f"| {r['name']} | {r['latency_ms']} | {r['window']} | {r['records']} | {r['keys']} | "
        f"{r['docs_per_s']:.0f} | {r['docs_per_s'] / ideal * 100:.1f} % | {r['cpu_ms_per_record']:.3f} | "
        f"{r['rss_mb']:.0f} | {r['added_p99_ms']:.1f} | {vs} |"
    )


@contextlib.contextmanager
def infrastructure() -> Iterator[tuple[KafkaSettings, RegistrySettings]]:
    bootstrap, registry = os.environ.get("BCX_KAFKA__BOOTSTRAP_SERVERS"), os.environ.get("BCX_REGISTRY__URL")
    if bootstrap and registry:
        yield KafkaSettings(bootstrap_servers=bootstrap), RegistrySettings(url=registry)
        return
    from tests.support.infra import infrastructure as start

    with start(Path(tempfile.mkdtemp(prefix="bcx-bench-"))) as infra:
        yield (
            KafkaSettings(bootstrap_servers=infra.bootstrap_servers),
            RegistrySettings(url=infra.registry_url),
        )


@contextlib.contextmanager
def simulator() -> Iterator[str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    outbox = tempfile.mkdtemp(prefix="bcx-bench-outbox-")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bcx_app.cli.main",
            "sim",
            "exstream",
            "--benchmark",
            "--port",
            str(port),
            "--outbox",
            outbox,
        ],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/_sim/health").status_code == 200:
                    break
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def set_latency(url: str, ms: int) -> None:
    httpx.put(f"{url}/_sim/faults", json={"latency": {"kind": "fixed", "ms": ms}}).raise_for_status()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer records and windows")
    parser.add_argument("--latencies", type=int, nargs="+", default=[20, 100, 200], metavar="MS")
    parser.add_argument("--windows", type=int, nargs="+", default=None, help="default 16 64 256")
    parser.add_argument("--modes", nargs="+", choices=["sleep", "http"], default=["sleep", "http"])
    parser.add_argument("--runtime-only", action="store_true", help="skip the gather loops and ordering rows")
    args = parser.parse_args()
    windows = args.windows or ([16, 64, 256] if not args.quick else [256])
    print(f"# {' '.join(['python -m benchmarks.consumer_runtime', *sys.argv[1:]])}")
    print("# load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(HEADER, flush=True)
    with infrastructure() as (kafka, registry), simulator() as sim:
        common = {"bootstrap": kafka.bootstrap_servers, "registry": registry.url, "sim": sim}
        for latency in args.latencies:
            set_latency(sim, latency)
            for window in windows:
                ideal = window / (latency / 1000)
                n = int(min(max(ideal * 3, 400), 6000 if not args.quick else 3000))
                for mode in args.modes:
                    spec = {**common, "mode": mode, "latency_ms": latency, "window": window, "records": n}
                    spec |= {"keys": n, "ordered": True}
                    base = None if args.runtime_only else run({**spec, "kind": "gather"})
                    runtime = run({**spec, "kind": "runtime"})
                    for r in (base, runtime) if base else (runtime,):
                        print(row(r, ideal, base), flush=True)
        if not args.runtime_only:
            set_latency(sim, 100)
            n = 3000 if args.quick else 6000
            spec = {
                **common,
                "mode": "sleep",
                "latency_ms": 100,
                "window": 256,
                "records": n,
                "keys": n // 10,
            }
            base = run({**spec, "kind": "gather", "ordered": False})
            base["name"] += ", 10 per key"
            print(row(base, 2560.0, base), flush=True)
            for ordered in (True, False):
                r = run({**spec, "kind": "runtime", "ordered": ordered})
                r["name"] += ", 10 per key"  # shuffled: same-key records meet inside one window
                print(row(r, 2560.0, base), flush=True)
    print("# load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
