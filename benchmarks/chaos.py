"""Chaos run on the demo stack (run by hand, never in CI): kill -9 each process, restart the broker, storm
Exstream, then count what was lost or doubled — from Kafka and the Exstream simulator, not bcx's summary.

    .venv/bin/python benchmarks/chaos.py --orders 150 --rounds 5

Each round sends a slice of the webhook traffic and then applies the next fault of the cycle: SIGKILL the
bridge, the enricher or the order-documents consumer (restarted at once, as Kubernetes would), SIGKILL the
broker and start it again after ``--broker-down-s``, or an Exstream storm (503s, 429s, lost replies) for
``--storm-s``. A process that exits on its own is restarted too and counted. Deliveries the bridge did not
answer 200 are re-sent at the end, as BigCommerce retries them. Then, once both groups caught up:

- webhooks: accepted (200) ids missing from ``bigcommerce.webhooks.v1`` (lost) and ids stored twice;
- snapshots: order snapshots written vs distinct (order, triggering event) pairs (the enricher's replay);
- documents: references the simulator rendered more than once (duplicate documents);
- results, read committed: repeated ``result_id``s, documents with no GENERATED result (lost results).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from confluent_kafka import Consumer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bcx.avro.registry import registry_client  # noqa: E402
from bcx.contracts.codecs import codec_for, document_result_codec, webhook_event_codec  # noqa: E402
from bcx.contracts.commerce_orders import TOPIC as ORDERS_TOPIC  # noqa: E402
from bcx.contracts.commerce_orders import OrderSnapshotRecord  # noqa: E402
from bcx.contracts.document_result import TOPIC as RESULTS  # noqa: E402
from bcx.contracts.document_result import DocumentStatus  # noqa: E402
from bcx.contracts.webhook_event import TOPIC as WEBHOOKS  # noqa: E402
from bcx.local.fetch import fetch_all  # noqa: E402
from bcx.local.kafka_node import KafkaNode, free_port  # noqa: E402
from bcx.local.paths import LocalPaths  # noqa: E402
from bcx.local.registry_node import RegistryNode  # noqa: E402
from bcx.settings import KafkaSettings, RegistrySettings  # noqa: E402
from bcx_app.demo.plan import DemoPlan, Ports, build_plan  # noqa: E402
from bcx_app.demo.processes import Supervisor  # noqa: E402
from bcx_app.demo.run import _prepare  # noqa: E402
from bcx_app.demo.traffic import _client, backlog_events  # noqa: E402
from bcx_app.demo.watch import group_lag  # noqa: E402
from consumers.registry import flow_named  # noqa: E402
from producers.enricher.process import ENRICHER  # noqa: E402
from simulators.bigcommerce.webhooks.sender import (  # noqa: E402
    Delivery,
    DeliveryResult,
    SendOptions,
    WebhookSender,
)

FAULTS = ("bridge", "enricher", "order-documents", "broker", "exstream-storm")
STORM = {"error_rate": 0.4, "rate_limit_rate": 0.1, "hang_rate": 0.05, "hang_s": 5}


class Stack:
    """The demo's processes plus the broker, with kill/restart by name."""

    def __init__(self, workdir: Path, orders: int, seed: int) -> None:
        paths = LocalPaths()
        fetch_all(paths)
        self.kafka_node = KafkaNode(paths, workdir / "kafka", port=free_port(), controller_port=free_port())
        self.registry_node = RegistryNode(
            paths, workdir / "registry", port=free_port(), management_port=free_port()
        )
        self.supervisor = Supervisor(workdir / "logs")
        self.kafka_node.start()
        self.registry_node.start()
        self.kafka = KafkaSettings(bootstrap_servers=self.kafka_node.bootstrap_servers, client_id="bcx-chaos")
        self.registry = RegistrySettings(url=self.registry_node.url)
        _prepare(self.kafka, self.registry)
        # the processes the faults target: the enricher and order documents (the flow with the longest record)
        consumers = (ENRICHER, flow_named("order-documents"))
        self.ports = Ports(free_port(), free_port(), free_port(), {c.name: free_port() for c in consumers})
        self.plan: DemoPlan = build_plan(
            workdir=workdir,
            ports=self.ports,
            bootstrap_servers=self.kafka.bootstrap_servers,
            registry_url=self.registry.url,
            orders=orders,
            seed=seed,
            consumers=consumers,
            rate_limit=450,
            rate_window_ms=3000,
        )
        for spec in self.plan.processes:
            self.supervisor.start(spec)
        self.restarts: Counter[str] = Counter()

    @property
    def exstream_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.exstream}"

    def kill(self, name: str) -> None:
        for spec, proc in self.supervisor.running:
            if spec.name == name and proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                self.supervisor.running.remove((spec, proc))
                self.supervisor.start(spec)
                return

    def revive(self) -> None:
        """Restart whatever exited on its own (as Kubernetes would) and count it."""
        for spec, proc in list(self.supervisor.running):
            if proc.poll() is not None:
                self.restarts[f"{spec.name} (exit {proc.returncode})"] += 1
                self.supervisor.running.remove((spec, proc))
                self.supervisor.start(spec)

    def restart_broker(self, down_s: float) -> None:
        process = self.kafka_node.process()
        pid = process.pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            if process._popen is not None:  # reap our child so the restart does not leave a zombie
                process._popen.wait()
                process._popen = None
        time.sleep(down_s)
        self.kafka_node.start()

    def storm(self, seconds: float) -> None:
        httpx.put(f"{self.exstream_url}/_sim/faults", json=STORM, timeout=5).raise_for_status()
        time.sleep(seconds)
        httpx.delete(f"{self.exstream_url}/_sim/faults", timeout=5).raise_for_status()

    def close(self) -> dict[str, int | None]:
        codes = self.supervisor.stop_all()
        self.registry_node.stop()
        self.kafka_node.stop()
        return codes


async def _deliveries(stack: Stack, sender: WebhookSender) -> list[Delivery]:
    async with _client(stack.plan) as client:
        orders = [(order.id, order.status_id) async for order in client.list_orders("demostore")]
    return [sender.build(event) for event in backlog_events(orders)]


def _sender(stack: Stack) -> WebhookSender:
    from bcx_app.demo.plan import DEMO_CLIENT_SECRET, DEMO_SHARED_SECRET, DEMO_STORE, SECRET_HEADER

    return WebhookSender(
        stack.plan.bridge_url,
        store_id=1_000_001,
        store_hash=DEMO_STORE,
        client_secret=DEMO_CLIENT_SECRET,
        secret_header=(SECRET_HEADER, DEMO_SHARED_SECRET),
    )


async def _send(stack: Stack, deliveries: list[Delivery], rng: random.Random) -> list[DeliveryResult]:
    sender = _sender(stack)
    try:
        options = SendOptions(duplicates=0.15, reorder=True, concurrency=16)
        return list(await sender.deliver_all(deliveries, options, rng))
    finally:
        await sender.aclose()


def _read_all(kafka: KafkaSettings, topic: str) -> list[bytes]:
    """Every record of ``topic``, read committed, from the beginning to the end."""
    consumer = Consumer(
        {
            **kafka.client_config(),
            "group.id": f"chaos-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "isolation.level": "read_committed",
        }
    )
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.subscribe([topic])
    values: list[bytes] = []
    ended: set[int] = set()
    deadline = time.monotonic() + 120
    while len(ended) < len(partitions) and time.monotonic() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            ended.add(msg.partition() or 0)
            continue
        ended.discard(msg.partition() or 0)
        value = msg.value()
        if value is not None:
            values.append(value)
    consumer.close()
    if len(ended) < len(partitions):
        raise SystemExit(f"could not read {topic} to its end; the counts would be wrong")
    return values


def _wait_drained(stack: Stack, timeout_s: float) -> bool:
    quiet_since = time.monotonic()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        stack.revive()
        lags = (
            group_lag(stack.kafka, "bcx-enricher", WEBHOOKS),
            group_lag(stack.kafka, "bcx-order-documents", ORDERS_TOPIC),
        )
        if any(lags):
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 10:
            return True
        time.sleep(1)
    return False


def count(stack: Stack, accepted: set[str]) -> dict[str, Any]:
    registry = registry_client(stack.registry)
    events = [
        webhook_event_codec(registry, auto_register=False).decode(v) for v in _read_all(stack.kafka, WEBHOOKS)
    ]
    ids = Counter(e.event_id for e in events)
    snapshot_codec = codec_for(OrderSnapshotRecord, ORDERS_TOPIC, registry, auto_register=False)
    snapshots = [snapshot_codec.decode(v) for v in _read_all(stack.kafka, ORDERS_TOPIC)]
    pairs = {(s.entity_id, s.trigger.event_id) for s in snapshots}
    results = [
        document_result_codec(registry, auto_register=False).decode(v)
        for v in _read_all(stack.kafka, RESULTS)
    ]
    result_ids = Counter(r.result_id for r in results)
    generated = {r.document.idempotency_key for r in results if r.status is DocumentStatus.GENERATED}
    documents = httpx.get(f"{stack.exstream_url}/_sim/documents", timeout=30).json()["documents"]
    # one job may render several outputs: a duplicate is a reference rendered by more than one job
    jobs: dict[str, set[str]] = {}
    for d in documents:
        jobs.setdefault(str(d.get("reference")), set()).add(str(d.get("jobId") or d.get("id")))
    per_reference = Counter({ref: len(ids) for ref, ids in jobs.items()})
    from consumers.runtime.ledger import exstream_reference

    references = {exstream_reference(k) for k in generated}
    return {
        "webhooks accepted (200)": len(accepted),
        "webhooks lost (accepted, not in Kafka)": len(accepted - set(ids)),
        "webhook ids stored twice (bridge dedupe window)": sum(1 for n in ids.values() if n > 1),
        "order snapshots written": len(snapshots),
        "distinct (order, event) snapshots": len(pairs),
        "snapshots replayed (enricher)": len(snapshots) - len(pairs),
        "documents rendered by Exstream (references)": len(jobs),
        "duplicate documents (reference rendered twice)": sum(1 for n in per_reference.values() if n > 1),
        "result events (read committed)": len(results),
        "duplicate result_ids": sum(1 for n in result_ids.values() if n > 1),
        "documents without a GENERATED result": len(set(per_reference) - references),
        "FAILED results": sum(1 for r in results if r.status is DocumentStatus.FAILED),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=len(FAULTS))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broker-down-s", type=float, default=20.0)
    parser.add_argument("--storm-s", type=float, default=15.0)
    parser.add_argument("--pause-s", type=float, default=8.0, help="between a traffic slice and its fault")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "chaos")
    args = parser.parse_args()
    if args.workdir.exists():
        shutil.rmtree(args.workdir)
    rng = random.Random(args.seed)
    started = time.monotonic()
    stack = Stack(args.workdir, args.orders, args.seed)
    results: list[DeliveryResult] = []
    try:
        deliveries = asyncio.run(_deliveries(stack, _sender(stack)))
        rng.shuffle(deliveries)
        slices = [deliveries[i :: args.rounds] for i in range(args.rounds)]
        for round_no, part in enumerate(slices):
            fault = FAULTS[round_no % len(FAULTS)]
            sending = threading.Thread(
                target=lambda p=part: results.extend(asyncio.run(_send(stack, p, rng)))
            )
            sending.start()
            time.sleep(args.pause_s)
            print(f"[{time.monotonic() - started:6.0f} s] round {round_no + 1}: {fault}", flush=True)
            if fault == "broker":
                stack.restart_broker(args.broker_down_s)
            elif fault == "exstream-storm":
                stack.storm(args.storm_s)
            else:
                stack.kill(fault)
            sending.join()
            stack.revive()
        by_id = {d.webhook_id: d for d in deliveries}
        for attempt in range(5):  # BigCommerce retries what was not answered 200
            accepted = {r.webhook_id for r in results if r.status == 200}
            missing = [by_id[i] for i in by_id if i not in accepted]
            if not missing:
                break
            print(f"[{time.monotonic() - started:6.0f} s] re-sending {len(missing)} unanswered deliveries")
            results.extend(asyncio.run(_send(stack, missing, rng)))
            time.sleep(2 * attempt)
        drained = _wait_drained(stack, timeout_s=600)
        print(f"[{time.monotonic() - started:6.0f} s] drained: {drained}; counting from Kafka and Exstream")
        accepted = {r.webhook_id for r in results if r.status == 200}
        for name, value in count(stack, accepted).items():
            print(f"  {name:48} {value}")
        print(f"  {'processes restarted after exiting on their own':48} {dict(stack.restarts) or 0}")
    finally:
        codes = stack.close()
        print(f"stopped; exit codes {codes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
