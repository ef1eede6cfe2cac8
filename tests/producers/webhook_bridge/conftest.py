"""A bridge wired to the session's real broker and registry, on a fresh topic, called in-process over ASGI."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bcx.contracts.codecs import webhook_event_codec
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.settings import KafkaSettings
from producers.webhook_bridge.app import Bridge, create_app
from producers.webhook_bridge.settings import BridgeOptions, StoreAuth
from tests.conftest import NewTopic
from tests.producers.webhook_bridge.samples import CLIENT_SECRET, SECRET, SIGNED_STORE, STORE

URL = "http://bridge/webhooks/bigcommerce"


def default_stores() -> dict[str, StoreAuth]:
    return {
        STORE: StoreAuth(secret=SecretStr(SECRET)),
        SIGNED_STORE: StoreAuth(
            secret=SecretStr(SECRET), client_secret=SecretStr(CLIENT_SECRET), require_signature=True
        ),
    }


@dataclass
class RunningBridge:
    bridge: Bridge
    client: httpx.AsyncClient
    topic: str
    producer: KafkaProducer

    async def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return await self.client.post(URL, content=body, headers=headers)


BridgeFactory = Callable[..., Any]


@pytest.fixture
def bridge_factory(kafka_settings: KafkaSettings, registry: Any, new_topic: NewTopic) -> BridgeFactory:
    """``async with bridge_factory(**options) as running:`` a bridge on a new topic, producer closed after."""

    @asynccontextmanager
    async def start(
        stores: dict[str, StoreAuth] | None = None,
        *,
        clock: Callable[[], float] = time.time,
        **options: Any,
    ) -> AsyncIterator[RunningBridge]:
        topic = options.pop("topic", None) or new_topic("bigcommerce.webhooks", partitions=3)
        producer = KafkaProducer(producer_config(kafka_settings))
        bridge = create_app(
            BridgeOptions(topic=topic, **options),
            stores or default_stores(),
            producer,
            webhook_event_codec(registry),
            clock=clock,
        )
        transport = httpx.ASGITransport(app=bridge.app)
        async with httpx.AsyncClient(transport=transport) as client:
            try:
                yield RunningBridge(bridge, client, topic, producer)
            finally:
                producer.close(timeout=10)

    return start
