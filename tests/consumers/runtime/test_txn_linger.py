"""The transactional producer batches longer than the plain ones (fewer, larger batches: less CPU per
record), and that delays nothing a reader sees: ``commit_transaction`` sends what still lingers at once."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import ExitStack
from typing import Any

import pytest

from bcx.kafka.config import producer_config
from bcx.settings import KafkaSettings
from consumers.stream.assembly import TRANSACTION_LINGER_MS, transactional_sender
from consumers.stream.settings import RuntimeSettings
from consumers.stream.transactions import TransactionalSender
from tests.consumers.support import committed_values

pytestmark = pytest.mark.integration


def _send_and_commit(sender: TransactionalSender, topic: str, values: list[bytes]) -> bool:
    async def scenario() -> bool:
        for value in values:
            await sender.send(topic, value)
        return sender.commit([], None)

    return asyncio.run(scenario())


class TestTransactionLinger:
    def test_the_runtime_sender_lingers_longer_than_plain_producers_and_its_commit_shows_everything(
        self, kafka_settings: KafkaSettings, new_topic: Any
    ) -> None:
        topic = new_topic("txn-linger")
        plain = producer_config(kafka_settings)
        assert plain["linger.ms"] < TRANSACTION_LINGER_MS
        with ExitStack() as stack:
            sender = transactional_sender(
                stack, kafka_settings, RuntimeSettings(), f"g-{uuid.uuid4().hex[:6]}"
            )
            assert sender._config["linger.ms"] == TRANSACTION_LINGER_MS
            values = [b"r%d" % i for i in range(50)]
            assert _send_and_commit(sender, topic, values)
        assert sorted(
            committed_values(kafka_settings, topic, until=lambda seen: len(seen) >= len(values))
        ) == sorted(values)

    def test_a_commit_does_not_wait_for_the_linger(
        self, kafka_settings: KafkaSettings, new_topic: Any
    ) -> None:
        """A linger three times the commit's own deadline (librdkafka caps it below the delivery timeout,
        30 s): were the commit to wait for it, it would time out (``commit`` returns False)."""
        topic = new_topic("txn-linger-long")
        sender = TransactionalSender(
            producer_config(kafka_settings, **{"linger.ms": 29_000}),
            f"txn-{uuid.uuid4().hex[:8]}",
            timeout_s=10.0,
        )
        try:
            assert _send_and_commit(sender, topic, [b"a", b"b", b"c"])
        finally:
            sender.close()
        assert sorted(committed_values(kafka_settings, topic, until=lambda seen: len(seen) >= 3)) == [
            b"a",
            b"b",
            b"c",
        ]
