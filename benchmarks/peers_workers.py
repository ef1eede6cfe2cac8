"""The consumers the peers benchmark compares, one per fresh process: ``python -m benchmarks.peers_workers``.

Each reads the input topic from the start in its own group, awaits each record's call (``d`` seconds),
writes the record unchanged, with its key, to the output topic and commits at least once, until SIGTERM.
Each is written the way its authors document it, not crippled:

- ``bcx`` / ``bcx-unordered``: the consumer runtime with its defaults (ordered per key, results in Kafka
  transactions with the offsets, so exactly once), ``max_in_flight`` = window; ``bcx-commit-100ms``: the
  same committing every 100 ms; ``bcx-alo`` / ``bcx-alo-unordered``: ``transactions=False`` (at least
  once: each result awaits the broker's ack before its offset may be committed);
- ``gather``: a bare confluent-kafka loop: ``consume(window)``, gather every call, produce the results,
  flush, commit synchronously; ``gather-keyed``: the same with one key's records in sequence;
- ``faststream-batch``: FastStream's batch subscriber (``max_records`` = window) with ``AckPolicy.ACK``, its
  only concurrent at-least-once mode (``max_workers`` refuses manual acks); ``faststream-each``: the default
  subscriber with ``AckPolicy.ACK`` (ack after each message);
- ``tasks``: a bare asyncio loop with one task per record (``benchmarks/tasks_worker.py``).

Quix Streams cannot share this venv (it pins confluent-kafka < 2.13): ``benchmarks/peers_quix.py``.
FastStream comes from the ``bench`` extra and is imported only here, inside its function.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import threading
from collections import defaultdict
from typing import Any


def bcx(
    args: argparse.Namespace, *, ordered: bool, commit_interval_s: float = 1.0, transactions: bool = True
) -> None:
    from bcx.settings import KafkaSettings, MetricsSettings, RegistrySettings
    from consumers.runtime.app import Services, UseCase, run_use_case
    from consumers.runtime.settings import ConsumeSettings
    from consumers.stream.processor import RecordContext
    from consumers.stream.settings import RuntimeSettings
    from tests.consumers.support import exstream_settings

    class Echo:
        def __init__(self, services: Services) -> None:
            self.sender = services.transactions or services.producer

        async def process(self, value: bytes, ctx: RecordContext) -> None:
            await asyncio.sleep(json.loads(value)["d"])
            await self.sender.send(args.output, value, key=ctx.record.key)

    def build(services: Services) -> UseCase[bytes]:
        return UseCase("peers", (args.input,), lambda r: r.value or b"", Echo(services))

    settings = ConsumeSettings(
        kafka=KafkaSettings(bootstrap_servers=args.bootstrap),
        registry=RegistrySettings(url=args.registry),
        metrics=MetricsSettings(port=0),
        consumer=RuntimeSettings(
            group_id=args.group,
            topics=[args.input],
            max_in_flight=args.window,
            ordered=ordered,
            retry_topic_rounds=0,
            commit_interval_s=commit_interval_s,
            transactions=transactions,
        ),
        exstream=exstream_settings("http://127.0.0.1:9"),  # never called: the call is simulated
    )
    raise SystemExit(run_use_case("peers", build, settings))


def loop_clients(args: argparse.Namespace) -> tuple[Any, Any, threading.Event]:
    """A bare loop's consumer (subscribed, manual commits) and producer, and the event SIGTERM sets."""
    from confluent_kafka import Consumer, Producer

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": args.group,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    producer = Producer({"bootstrap.servers": args.bootstrap, "linger.ms": 5, "enable.idempotence": True})
    consumer.subscribe([args.input])
    return consumer, producer, stop


def gather(args: argparse.Namespace, *, keyed: bool) -> None:
    consumer, producer, stop = loop_clients(args)

    async def call(msg: Any) -> None:
        await asyncio.sleep(json.loads(msg.value())["d"])
        producer.produce(args.output, msg.value(), key=msg.key())

    async def in_sequence(msgs: list[Any]) -> None:
        for msg in msgs:
            await call(msg)

    async def batch(msgs: list[Any]) -> None:
        if not keyed:
            await asyncio.gather(*(call(m) for m in msgs))
            return
        by_key: dict[bytes, list[Any]] = defaultdict(list)
        for m in msgs:
            by_key[m.key()].append(m)
        await asyncio.gather(*(in_sequence(group) for group in by_key.values()))

    loop = asyncio.new_event_loop()
    while not stop.is_set():
        msgs = [m for m in consumer.consume(args.window, 0.1) if m.error() is None]
        if not msgs:
            continue
        loop.run_until_complete(batch(msgs))
        producer.flush(30)  # results acknowledged before their offsets are committed: at least once
        consumer.commit(asynchronous=False)
    consumer.close()


def faststream(args: argparse.Namespace, *, batch: bool) -> None:
    from faststream import FastStream
    from faststream.confluent import KafkaBroker
    from faststream.middlewares import AckPolicy

    broker = KafkaBroker(args.bootstrap)

    async def one(record: dict[str, Any]) -> None:  # FastStream decodes the JSON body, and encodes it back
        await asyncio.sleep(record["d"])
        await broker.publish(record, topic=args.output, key=record["k"].encode())

    async def handle_batch(bodies: list[dict[str, Any]]) -> None:
        await asyncio.gather(*(one(b) for b in bodies))

    async def handle(body: dict[str, Any]) -> None:
        await one(body)

    # registered by call, not as decorators: without the bench extra mypy sees FastStream as untyped
    if batch:
        broker.subscriber(
            args.input,
            group_id=args.group,
            auto_offset_reset="earliest",
            batch=True,
            max_records=args.window,
            ack_policy=AckPolicy.ACK,
        )(handle_batch)
    else:
        broker.subscriber(
            args.input, group_id=args.group, auto_offset_reset="earliest", ack_policy=AckPolicy.ACK
        )(handle)
    asyncio.run(FastStream(broker).run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "kind",
        choices=[
            "bcx",
            "bcx-unordered",
            "bcx-commit-100ms",
            "bcx-alo",
            "bcx-alo-unordered",
            "gather",
            "gather-keyed",
            "faststream-batch",
            "faststream-each",
            "tasks",
        ],
    )
    for name in ("--bootstrap", "--input", "--output", "--group"):
        parser.add_argument(name, required=True)
    parser.add_argument("--registry", default="")
    parser.add_argument("--window", type=int, default=256)
    args = parser.parse_args()
    if args.kind.startswith("bcx"):
        # results become visible to read_committed readers when their transaction commits: every
        # commit interval (1 s by default); the 100 ms configuration shows that trade-off
        interval = 0.1 if args.kind == "bcx-commit-100ms" else 1.0
        ordered = not args.kind.endswith("unordered")
        bcx(
            args,
            ordered=ordered,
            commit_interval_s=interval,
            transactions=not args.kind.startswith("bcx-alo"),
        )
    elif args.kind.startswith("gather"):
        gather(args, keyed=args.kind == "gather-keyed")
    elif args.kind == "tasks":
        from benchmarks.tasks_worker import run

        run(args)
    else:
        faststream(args, batch=args.kind == "faststream-batch")


if __name__ == "__main__":
    main()
