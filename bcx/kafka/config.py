"""librdkafka configuration for bcx's producers and consumers, from :class:`~bcx.settings.KafkaSettings`."""

from __future__ import annotations

from typing import Any

from bcx.settings import KafkaSettings


def producer_config(settings: KafkaSettings, **overrides: Any) -> dict[str, Any]:
    """Durable by default: acks=all and idempotence, so a retried send never duplicates or reorders."""
    conf = settings.client_config()
    conf.update(
        {
            "acks": "all",
            "enable.idempotence": True,
            "linger.ms": 5,
            "compression.type": "lz4",
            # bound how long a record may wait for the broker; the bridge answers 503 well before this
            "delivery.timeout.ms": 30000,
            "request.timeout.ms": 10000,
        }
    )
    conf.update(overrides)
    return conf


def consumer_config(settings: KafkaSettings, group_id: str, **overrides: Any) -> dict[str, Any]:
    """At-least-once: nothing is committed or stored automatically; the runtime stores what is done.

    The group uses the KIP-848 consumer protocol (Kafka ≥ 4.0, librdkafka ≥ 2.10) with the broker's
    ``range`` assignor: it divides *each topic's* partitions among the members, so every replica gets its
    share (±1) of the main topic even though the group also reads its retry topic. The classic
    cooperative-sticky assignor balanced partition *counts* across topics, and with two replicas one held
    every main partition and the other only the retry topic. Session timeout and heartbeats are the
    broker's (``group.consumer.session.timeout.ms``, 45 s by default); librdkafka refuses
    ``session.timeout.ms`` and ``partition.assignment.strategy`` under this protocol.
    """
    conf = settings.client_config()
    conf.update(
        {
            "group.id": group_id,
            "group.protocol": "consumer",
            "group.remote.assignor": "range",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "isolation.level": "read_committed",
            "max.poll.interval.ms": 300000,
        }
    )
    conf.update(overrides)
    return conf
