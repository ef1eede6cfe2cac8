"""Errors of the Kafka edge; confluent_kafka's exceptions and error objects are translated here.

::

    BcxError
    └── KafkaError               something Kafka did or refused (``retriable`` says whether to try again)
        ├── ProduceError         a record was not acknowledged (delivery report error, timeout)
        │   └── ProducerQueueFull   the local queue is full: back off, the broker is slow or down
        └── TopicAdminError      creating, describing or altering topics failed
"""

from __future__ import annotations

from bcx.errors import BcxError


class KafkaError(BcxError):
    def __init__(self, message: str, *, retriable: bool = False, code: str | None = None) -> None:
        super().__init__(message)
        self.retriable = retriable
        self.code = code


class ProduceError(KafkaError):
    """A record was not stored by the broker."""


class ProducerQueueFull(ProduceError):
    """librdkafka's local queue is full; the caller should shed load or wait."""

    def __init__(self, message: str = "producer queue is full") -> None:
        super().__init__(message, retriable=True, code="_QUEUE_FULL")


class TopicAdminError(KafkaError):
    """A topic could not be created, described or altered."""
