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
    """At-least-once: nothing is committed or stored automatically; the runtime stores what is done."""
    conf = settings.client_config()
    conf.update(
        {
            "group.id": group_id,
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "partition.assignment.strategy": "cooperative-sticky",
            "isolation.level": "read_committed",
            "session.timeout.ms": 10000,
            "max.poll.interval.ms": 300000,
        }
    )
    conf.update(overrides)
    return conf
