"""Latency from each webhook's intended send time, read back from Kafka (``benchmarks/webhook_bridge.py``).

wrk measures a request from when it was sent; under overload a paced request waits for a free connection
first, and that wait would vanish from the figures (coordinated omission). So the Lua script writes each
request's intended time (its slot in the schedule, wall-clock ms) into its ``webhook-id``, which bridge and
baseline copy into the record's ``bcx.event_id`` header, and the benchmark's topics stamp records with the
broker's append time (``message.timestamp.type=LogAppendTime``). Latency = append time − intended time:
until the event is durable in Kafka (the 200 follows its ack). Requests the schedule held but wrk never sent
before the run ended are counted separately (scheduled − sent), never as fast answers.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from confluent_kafka import Consumer, TopicPartition

EVENT_ID_HEADER = "bcx.event_id"
TOPIC_CONFIG = {"message.timestamp.type": "LogAppendTime"}


def latencies_by_salt(bootstrap: str, topic: str) -> dict[str, list[float]]:
    """Milliseconds from intended send to append, per run (the salt in each webhook-id), whole topic."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"bench-latency-{uuid.uuid4().hex[:6]}",
            "enable.auto.commit": False,
        }
    )
    found: dict[str, list[float]] = defaultdict(list)
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        ends = {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions
        }
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        position = dict.fromkeys(partitions, 0)
        idle = 0
        while any(position[p] < ends[p] for p in partitions) and idle < 100:
            batch = consumer.consume(5000, 0.2)
            idle = 0 if batch else idle + 1
            for msg in batch:
                if msg.error() is not None:
                    continue
                position[msg.partition() or 0] = (msg.offset() or 0) + 1
                raw = dict(msg.headers() or []).get(EVENT_ID_HEADER)
                event_id = raw.decode() if isinstance(raw, bytes) else ""
                parts = event_id.split("_")  # msg_<salt>_<thread>_<counter>_<intended ms>
                if len(parts) == 5:
                    found[parts[1]].append(msg.timestamp()[1] - float(parts[4]))
    finally:
        consumer.close()
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")
