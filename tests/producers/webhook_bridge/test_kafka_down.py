"""Kafka going away and coming back, on a broker of the test's own (the session broker is shared)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bcx.contracts.codecs import webhook_event_codec
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.kafka.topics import TopicSpec
from bcx.local.errors import LocalStackError
from bcx.local.fetch import fetch_all
from bcx.local.kafka_node import KafkaNode, free_port
from bcx.local.paths import LocalPaths
from bcx.settings import KafkaSettings
from producers.webhook_bridge.app import create_app
from producers.webhook_bridge.settings import BridgeOptions
from tests.producers.webhook_bridge.conftest import URL, default_stores
from tests.producers.webhook_bridge.samples import callback, encode, shared_headers, stored
from tests.support.kafka import consume

pytestmark = [pytest.mark.integration, pytest.mark.slow]
TOPIC = "bigcommerce.webhooks.down.v1"


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[KafkaNode]:
    paths = LocalPaths()
    fetch_all(paths)
    for attempt in range(3):
        node = KafkaNode(paths, tmp_path / f"kafka{attempt}", port=free_port(), controller_port=free_port())
        try:
            node.start()
            break
        except LocalStackError:
            # KafkaNode's random cluster id sometimes starts with "-", which kafka-storage reads as an option
            if attempt == 2:
                raise
    try:
        TopicAdmin({"bootstrap.servers": node.bootstrap_servers}).create([TopicSpec(TOPIC, 2, 1, {})])
        yield node
    finally:
        node.stop()


async def post(client: httpx.AsyncClient, index: int) -> httpx.Response:
    body = encode(callback(data={"type": "order", "id": index}))
    return await client.post(URL, content=body, headers={**shared_headers(), "webhook-id": f"msg_{index}"})


class TestKafkaDown:
    async def test_503_while_down_then_recovery_without_restart(
        self, own_broker: KafkaNode, registry: Any
    ) -> None:
        """With the broker stopped callbacks get 503 + Retry-After and readiness fails; once it is back on the
        same ports and data, BigCommerce's retries get 200, and every 200 is stored in Kafka."""
        settings = KafkaSettings(bootstrap_servers=own_broker.bootstrap_servers, client_id="bridge-down-test")
        producer = KafkaProducer(
            producer_config(
                settings, **{"reconnect.backoff.max.ms": 500, "socket.connection.setup.timeout.ms": 2000}
            )
        )
        options = BridgeOptions(topic=TOPIC, produce_timeout_s=1.5, retry_after_s=7, readiness_timeout_s=1.0)
        bridge = create_app(options, default_stores(), producer, webhook_event_codec(registry))
        acknowledged: set[str] = set()
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bridge.app)) as client:
                assert (await post(client, 0)).status_code == 200
                acknowledged.add("msg_0")

                await asyncio.to_thread(own_broker.stop)
                outage = [await post(client, i) for i in range(1, 6)]
                assert [r.status_code for r in outage] == [503] * 5
                assert all(r.headers["retry-after"] == "7" for r in outage)
                assert {r.json()["error"] for r in outage} <= {"kafka_timeout", "kafka_unavailable"}
                assert (await client.get("http://bridge/readyz")).status_code == 503

                await asyncio.to_thread(own_broker.start)
                pending = set(range(1, 6))
                deadline = time.monotonic() + 90
                while pending and time.monotonic() < deadline:  # BigCommerce retrying, compressed in time
                    for index in sorted(pending):
                        if (await post(client, index)).status_code == 200:
                            acknowledged.add(f"msg_{index}")
                            pending.discard(index)
                    await asyncio.sleep(0.5)
                assert not pending, f"not recovered: {pending}"
                assert (await client.get("http://bridge/readyz")).status_code == 200
        finally:
            producer.close(timeout=10)
        codec = webhook_event_codec(registry)
        # the 503'd records may have landed too (librdkafka kept them queued): read everything there is
        total = stored(settings, TOPIC)
        ids = {codec.decode(m.value()).event_id for m in consume(settings, TOPIC, total, timeout=30)}
        assert acknowledged <= ids  # nothing was acknowledged that is not stored
        assert ids <= {f"msg_{i}" for i in range(6)}
