"""The bare baseline the bridge is compared with: the least an ASGI handler must do for the same guarantee.

It reads the body, builds the same :class:`WebhookEvent` (no authentication, no validation beyond
``json.loads``), encodes it with the same codec, produces it with the same acks=all idempotent producer and
awaits the delivery report before answering 200. Served by uvicorn with the same options as ``bcx bridge``.
Run by ``benchmarks.webhook_bridge`` as ``python -m benchmarks.webhook_baseline`` with ``BCX_*`` settings.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import UTC, datetime
from typing import Any

import uvicorn
from confluent_kafka.schema_registry import SchemaRegistryClient

from bcx.contracts.codecs import webhook_event_codec
from bcx.contracts.webhook_event import WebhookAuthentication, WebhookEvent
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.settings import KafkaSettings, RegistrySettings


def build_app(producer: KafkaProducer, registry: Any, topic: str) -> Any:
    codec = webhook_event_codec(registry)
    codec.schema_id()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        document = json.loads(b"".join(chunks) or b"{}") if scope["method"] == "POST" else {}
        if document:
            data = document["data"]
            now = time.time()
            event = WebhookEvent(
                event_id=dict(scope["headers"]).get(b"webhook-id", b"x").decode(),
                store_hash=document["producer"].removeprefix("stores/"),
                store_id=str(document.get("store_id")),
                producer=document["producer"],
                scope=document["scope"],
                resource_type=data["type"],
                resource_id=str(data["id"]),
                data_json=json.dumps(data, separators=(",", ":")),
                hash=document.get("hash"),
                created_at=datetime.fromtimestamp(document["created_at"], UTC),
                received_at=datetime.fromtimestamp(now, UTC),
                authentication=WebhookAuthentication.SHARED_SECRET,
            )
            # the bridge's event-id header too: the benchmark finds each record's intended send time by it
            headers = [("bcx.event_id", event.event_id.encode())]
            await asyncio.wrap_future(
                producer.produce(topic, codec.encode(event), key=event.key, headers=headers)
            )
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    return app


def main() -> None:
    kafka = KafkaSettings(bootstrap_servers=os.environ["BCX_KAFKA__BOOTSTRAP_SERVERS"], client_id="baseline")
    registry = SchemaRegistryClient(RegistrySettings(url=os.environ["BCX_REGISTRY__URL"]).client_config())
    producer = KafkaProducer(producer_config(kafka))
    app = build_app(producer, registry, os.environ["BCX_BRIDGE__TOPIC"])
    try:
        uvicorn.run(
            app,
            host="127.0.0.1",
            port=int(os.environ["BCX_BRIDGE__PORT"]),
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,
            ws="none",
        )
    finally:
        producer.close(10)


if __name__ == "__main__":
    main()
