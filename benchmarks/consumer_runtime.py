"""Consumer runtime benchmark: documents/s, CPU per record, memory and added p99 latency.

For each simulated Exstream latency (20/100/200 ms) and in-flight window, a pre-filled topic is consumed by
the real runtime (``run_use_case``: poll loop, executor, scheduler, commits, ledger reader) whose processor
makes one Exstream call per record, and — side by side in the same run — by (a) a plain confluent-kafka
loop doing one call at a time per partition (how a Kafka Connect HTTP sink task behaves) and (b) the
ideal ``window / latency``. Two kinds of "Exstream call":

- ``sleep``: ``await asyncio.sleep(latency)`` — isolates what the runtime itself costs and achieves;
- ``http``: a real ``ExstreamClient.generate`` against ``bcx sim exstream --benchmark`` in its own process
  (small fixed PDF, no rendering), so HTTP client and server costs are included.

Usage (starts a local broker + registry unless BCX_KAFKA__BOOTSTRAP_SERVERS / BCX_REGISTRY__URL are set)::

    .venv/bin/python benchmarks/consumer_runtime.py [--quick]
    .venv/bin/python benchmarks/consumer_runtime.py --latencies 100 --modes http --runtime-only  # HTTP rows

Measures, never asserts. The machine may be shared: CPU figures include the whole consumer process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from confluent_kafka import Consumer, Producer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bcx.exstream.client import ExstreamClient
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec, group_topic
from bcx.settings import KafkaSettings, MetricsSettings, RegistrySettings
from consumers.runtime.app import Services, UseCase, run_use_case
from consumers.runtime.settings import ConsumeSettings
from consumers.stream.processor import RecordContext
from consumers.stream.settings import RuntimeSettings
from tests.consumers.support import exstream_settings

PARTITIONS = 4
PAYLOAD = json.dumps({"order": {"id": "1", "total": "10.00"}}).encode()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


@dataclass
class Result:
    name: str
    latency_ms: int
    window: int
    records: int
    docs_per_s: float
    cpu_ms_per_record: float
    rss_mb: float
    added_p99_ms: float

    def row(self, ideal: float) -> str:
        share = f"{self.docs_per_s / ideal * 100:5.1f} %" if ideal else "    -"
        return (
            f"| {self.name:<22} | {self.latency_ms:>4} | {self.window:>6} | {self.records:>6} | "
            f"{self.docs_per_s:>8.0f} | {share} | {self.cpu_ms_per_record:>6.3f} | {self.rss_mb:>6.0f} | "
            f"{self.added_p99_ms:>7.1f} |"
        )


class Sampler:
    """Peak RSS while a run lasts (sampled every 100 ms)."""

    def __init__(self) -> None:
        self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, rss_mb())

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return max(self.peak, rss_mb())


class CallProcessor:
    """One 'Exstream call' per record; records its duration; counts completions."""

    def __init__(self, mode: str, latency_s: float, client: ExstreamClient | None, total: int) -> None:
        self.mode, self.latency_s, self.client, self.total = mode, latency_s, client, total
        self.durations: list[float] = []
        self.first: float | None = None
        self.last = 0.0
        self.done = threading.Event()

    async def process(self, value: bytes, ctx: RecordContext) -> None:
        start = time.monotonic()
        if self.first is None:
            self.first = start
        if self.mode == "sleep":
            await asyncio.sleep(self.latency_s)
        else:
            assert self.client is not None
            await self.client.generate(
                communication_id="bench", driver_data_source="Driver", driver_data={"v": 1}
            )
        end = time.monotonic()
        self.durations.append(end - start)
        self.last = end
        if len(self.durations) >= self.total:
            self.done.set()


def prefill(kafka: KafkaSettings, topic: str, n: int, keys: int) -> None:
    producer = Producer({**kafka.client_config(), "linger.ms": 20, "batch.num.messages": 10000})
    for i in range(n):
        producer.produce(topic, PAYLOAD, key=f"store:order:{i % keys}".encode())
        if i % 5000 == 0:
            producer.poll(0)
    producer.flush(60)


def new_topics(kafka: KafkaSettings, group: str) -> str:
    topic = f"bench.{uuid.uuid4().hex[:8]}"
    TopicAdmin(kafka.client_config()).create(
        [
            TopicSpec(topic, PARTITIONS, 1, {}),
            TopicSpec(group_topic(group, "ledger"), 3, 1, {"cleanup.policy": "compact"}),
            TopicSpec(group_topic(group, "dlq"), 1, 1, {}),
        ]
    )
    return topic


def run_runtime(
    kafka: KafkaSettings,
    registry: RegistrySettings,
    sim_url: str,
    *,
    mode: str,
    latency_ms: int,
    window: int,
    n: int,
    ordered: bool = True,
    keys: int | None = None,
) -> Result:
    group = f"bench-{uuid.uuid4().hex[:8]}"
    topic = new_topics(kafka, group)
    prefill(kafka, topic, n, keys or n)
    settings = ConsumeSettings(
        kafka=kafka,
        registry=registry,
        metrics=MetricsSettings(port=0),
        consumer=RuntimeSettings(
            group_id=group, topics=[topic], max_in_flight=window, ordered=ordered, retry_topic_rounds=0
        ),
        exstream=exstream_settings(sim_url).model_copy(update={"max_concurrency": max(window, 16)}),
    )
    holder: dict[str, CallProcessor] = {}

    def build(services: Services) -> UseCase[bytes]:
        client = services.exstream if mode == "http" else None
        holder["p"] = CallProcessor(mode, latency_ms / 1000, client, n)
        return UseCase("bench", (topic,), lambda r: r.value or b"", holder["p"])

    shutdown = threading.Event()
    sampler = Sampler()
    cpu0 = time.process_time()
    thread = threading.Thread(
        target=run_use_case, args=("bench", build, settings), kwargs={"shutdown": shutdown}
    )
    thread.start()
    while "p" not in holder:
        time.sleep(0.01)
    processor = holder["p"]
    processor.done.wait(600)
    cpu = time.process_time() - cpu0
    shutdown.set()
    thread.join(60)
    peak = sampler.stop()
    elapsed = processor.last - (processor.first or processor.last)
    name = f"runtime {mode}" + ("" if ordered else " unordered")
    return Result(
        name,
        latency_ms,
        window,
        n,
        n / elapsed if elapsed else 0.0,
        cpu / n * 1000,
        peak,
        (p99(processor.durations) - latency_ms / 1000) * 1000,
    )


def run_baseline(kafka: KafkaSettings, sim_url: str, *, mode: str, latency_ms: int, n: int) -> Result:
    """One confluent-kafka consumer per partition, one synchronous call at a time, commit per record."""
    topic = f"bench.{uuid.uuid4().hex[:8]}"
    TopicAdmin(kafka.client_config()).create([TopicSpec(topic, PARTITIONS, 1, {})])
    prefill(kafka, topic, n, n)
    settings = exstream_settings(sim_url)
    durations: list[float] = []
    marks: list[float] = []
    lock = threading.Lock()
    group = f"bench-base-{uuid.uuid4().hex[:8]}"

    def worker(partition: int) -> None:
        consumer = Consumer(
            {
                **kafka.client_config(),
                "group.id": group,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
            }
        )
        consumer.assign([TopicPartition(topic, partition, 0)])
        token = httpx.post(
            settings.token_url,
            data={"grant_type": "client_credentials", "client_id": "bcx", "client_secret": "bcx-secret"},
        ).json()["access_token"]
        url = settings.orchestration_url("/api/v1/inputs/ondemand/default/generate")
        headers = {
            "Authorization": f"Bearer {token}",
            "communicationId": "bench",
            "driverDataSource": "Driver",
        }
        with httpx.Client() as http:
            idle = 0
            while idle < 20:
                msg = consumer.poll(0.1)
                if msg is None or msg.error():
                    idle += 1
                    continue
                idle = 0
                start = time.monotonic()
                if mode == "sleep":
                    time.sleep(latency_ms / 1000)
                else:
                    http.post(url, content=b'{"v":1}', headers=headers).raise_for_status()
                end = time.monotonic()
                consumer.commit(message=msg, asynchronous=False)
                with lock:
                    durations.append(end - start)
                    marks.append(end)
                    if len(durations) >= n:
                        break
        consumer.close()

    sampler = Sampler()
    cpu0 = time.process_time()
    threads = [threading.Thread(target=worker, args=(p,)) for p in range(PARTITIONS)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu = time.process_time() - cpu0
    elapsed = max(marks) - start if marks else 0.0
    return Result(
        f"one-at-a-time {mode}",
        latency_ms,
        PARTITIONS,
        len(durations),
        len(durations) / elapsed if elapsed else 0.0,
        cpu / max(1, len(durations)) * 1000,
        sampler.stop(),
        (p99(durations) - latency_ms / 1000) * 1000,
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
    parser.add_argument(
        "--runtime-only", action="store_true", help="skip the one-at-a-time baselines and the keyed runs"
    )
    args = parser.parse_args()
    windows = args.windows or ([16, 64, 256] if not args.quick else [256])
    results: list[tuple[Result, float]] = []
    with infrastructure() as (kafka, registry), simulator() as sim:
        for latency in args.latencies:
            set_latency(sim, latency)
            for window in windows:
                ideal = window / (latency / 1000)
                n = int(min(max(ideal * 3, 400), 6000 if not args.quick else 3000))
                for mode in args.modes:
                    result = run_runtime(
                        kafka, registry, sim, mode=mode, latency_ms=latency, window=window, n=n
                    )
                    results.append((result, ideal))
                    print(result.row(ideal), flush=True)
            if args.runtime_only:
                continue
            base_n = int(PARTITIONS / (latency / 1000) * 3)
            for mode in args.modes:
                result = run_baseline(kafka, sim, mode=mode, latency_ms=latency, n=base_n)
                results.append((result, PARTITIONS / (latency / 1000)))
                print(result.row(PARTITIONS / (latency / 1000)), flush=True)
        if args.runtime_only:
            return 0
        set_latency(sim, 100)
        for ordered in (True, False):
            result = run_runtime(
                kafka,
                registry,
                sim,
                mode="sleep",
                latency_ms=100,
                window=256,
                n=6000,
                ordered=ordered,
                keys=2000,
            )
            results.append((result, 2560.0))
            print(result.row(2560.0), "(2,000 keys: same-key waits)", flush=True)
    return 0


if __name__ == "__main__":
    print("| run | ms | window | records | docs/s | of ideal | CPU ms/rec | RSS MB | added p99 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    raise SystemExit(main())
