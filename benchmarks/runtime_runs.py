"""One configuration of ``benchmarks/consumer_runtime.py``, in a fresh process (so peak RSS is its own).

``python -m benchmarks.runtime_runs '<json spec>'`` runs either the real runtime (``run_use_case``) or the
bare confluent-kafka gather loop at the same window (``consume(window)``, gather the calls, commit), over a
topic pre-filled here, and prints ``RESULT {json}``. Both sides use one rule: time and CPU count from the
first call's start to the last call's end, so neither side's start-up (group join, ledger catch-up) is in
its figures.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, Producer

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


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
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
    keys: int
    docs_per_s: float
    cpu_ms_per_record: float
    rss_mb: float
    added_p99_ms: float


class Calls:
    """Times every call; the span and CPU count from the first call's start to the last one's end."""

    def __init__(self, mode: str, latency_s: float, client: ExstreamClient | None, total: int) -> None:
        self.mode, self.latency_s, self.client, self.total = mode, latency_s, client, total
        self.durations: list[float] = []
        self.first: float | None = None
        self.cpu_first = 0.0
        self.last = 0.0
        self.cpu_last = 0.0
        self.done = threading.Event()

    async def call(self) -> None:
        start = time.monotonic()
        if self.first is None:
            self.first, self.cpu_first = start, time.process_time()
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
            self.cpu_last = time.process_time()
            self.done.set()

    def result(self, name: str, spec: dict[str, Any]) -> Result:
        elapsed = self.last - (self.first or self.last)
        n = len(self.durations)
        return Result(
            name,
            spec["latency_ms"],
            spec["window"],
            n,
            spec["keys"],
            n / elapsed if elapsed else 0.0,
            (self.cpu_last - self.cpu_first) / max(n, 1) * 1000,
            peak_rss_mb(),
            (p99(self.durations) - spec["latency_ms"] / 1000) * 1000,
        )


def prefill(kafka: KafkaSettings, n: int, keys: int) -> str:
    """``n`` records over ``keys`` keys, shuffled: with fewer keys than records, a key's records land
    inside one window, so per-key order has something to wait for."""
    topic = f"bench.{uuid.uuid4().hex[:8]}"
    TopicAdmin(kafka.client_config()).create([TopicSpec(topic, PARTITIONS, 1, {})])
    chosen = [i % keys for i in range(n)]
    random.Random(19).shuffle(chosen)
    producer = Producer({**kafka.client_config(), "linger.ms": 20, "batch.num.messages": 10000})
    for i, k in enumerate(chosen):
        producer.produce(topic, PAYLOAD, key=f"store:order:{k}".encode())
        if i % 5000 == 0:
            producer.poll(0)
    producer.flush(60)
    return topic


def run_runtime(spec: dict[str, Any], kafka: KafkaSettings, registry: RegistrySettings) -> Result:
    group = f"bench-{uuid.uuid4().hex[:8]}"
    topic = prefill(kafka, spec["records"], spec["keys"])
    TopicAdmin(kafka.client_config()).create(
        [
            TopicSpec(group_topic(group, "ledger"), 3, 1, {"cleanup.policy": "compact"}),
            TopicSpec(group_topic(group, "dlq"), 1, 1, {}),
        ]
    )
    window = spec["window"]
    settings = ConsumeSettings(
        kafka=kafka,
        registry=registry,
        metrics=MetricsSettings(port=0),
        consumer=RuntimeSettings(
            group_id=group,
            topics=[topic],
            max_in_flight=window,
            ordered=spec["ordered"],
            retry_topic_rounds=0,
        ),
        exstream=exstream_settings(spec["sim"]).model_copy(update={"max_concurrency": max(window, 16)}),
    )
    holder: dict[str, Calls] = {}

    class Processor:
        async def process(self, value: bytes, ctx: RecordContext) -> None:
            await holder["calls"].call()

    def build(services: Services) -> UseCase[bytes]:
        client = services.exstream if spec["mode"] == "http" else None
        holder["calls"] = Calls(spec["mode"], spec["latency_ms"] / 1000, client, spec["records"])
        return UseCase("bench", (topic,), lambda r: r.value or b"", Processor())

    shutdown = threading.Event()
    thread = threading.Thread(
        target=run_use_case, args=("bench", build, settings), kwargs={"shutdown": shutdown}
    )
    thread.start()
    while "calls" not in holder:
        time.sleep(0.01)
    holder["calls"].done.wait(600)
    result = holder["calls"].result(
        f"runtime {spec['mode']}" + ("" if spec["ordered"] else " unordered"), spec
    )
    shutdown.set()
    thread.join(60)
    return result


def run_gather(spec: dict[str, Any], kafka: KafkaSettings) -> Result:
    """The bare loop at the runtime's window: consume(window), gather the calls, commit synchronously."""
    topic = prefill(kafka, spec["records"], spec["keys"])
    consumer = Consumer(
        {
            **kafka.client_config(),
            "group.id": f"bench-gather-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    consumer.subscribe([topic])
    loop = asyncio.new_event_loop()
    client = None
    if spec["mode"] == "http":
        settings = exstream_settings(spec["sim"]).model_copy(update={"max_concurrency": spec["window"]})
        client = ExstreamClient(settings)
    calls = Calls(spec["mode"], spec["latency_ms"] / 1000, client, spec["records"])

    async def batch(msgs: list[Any]) -> None:
        await asyncio.gather(*(calls.call() for _ in msgs))

    while not calls.done.is_set():
        msgs = [m for m in consumer.consume(spec["window"], 0.1) if m.error() is None]
        if msgs:
            loop.run_until_complete(batch(msgs))
            consumer.commit(asynchronous=False)
    result = calls.result(f"gather loop {spec['mode']}", spec)
    if client is not None:
        loop.run_until_complete(client.aclose())
    consumer.close()
    return result


def main() -> None:
    spec = json.loads(sys.argv[1])
    kafka = KafkaSettings(bootstrap_servers=spec["bootstrap"])
    if spec["kind"] == "runtime":
        result = run_runtime(spec, kafka, RegistrySettings(url=spec["registry"]))
    else:
        result = run_gather(spec, kafka)
    print("RESULT " + json.dumps(asdict(result)), flush=True)


if __name__ == "__main__":
    main()
