"""``/livez``, ``/readyz`` and ``/metrics``.

Readiness asks the producer's own connections for cluster metadata (so it reflects what publishing will
see), checks the topic exists, and that the writer schema id is resolved in the registry.
"""

from __future__ import annotations

import asyncio
from typing import Any

from prometheus_client import CollectorRegistry
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bcx.kafka.errors import KafkaError
from bcx.kafka.producer import KafkaProducer
from bcx.metrics import CONTENT_TYPE_LATEST, render
from producers.webhook_bridge.errors import Unavailable
from producers.webhook_bridge.publisher import Publisher


async def livez(_request: Request) -> Response:
    return JSONResponse({"status": "alive"})


class Readiness:
    def __init__(self, producer: KafkaProducer, publisher: Publisher[Any], *, timeout_s: float) -> None:
        self._producer = producer
        self._publisher = publisher
        self._timeout = timeout_s

    async def _kafka(self) -> str:
        try:
            metadata: Any = await asyncio.to_thread(self._producer.list_topics, self._timeout)
        except KafkaError as exc:
            return f"unreachable: {exc.code or 'error'}"
        if not metadata.brokers:
            return "unreachable: no brokers"
        topic = metadata.topics.get(self._publisher.topic)
        if topic is None or topic.error is not None:
            return "topic missing"
        return "ok"

    async def _schema(self) -> str:
        try:
            await self._publisher.ensure_schema()
        except Unavailable:
            return "unavailable"
        return "ok"

    async def endpoint(self, _request: Request) -> Response:
        kafka, schema = await asyncio.gather(self._kafka(), self._schema())
        checks = {"kafka": kafka, "schema": schema}
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks}, status_code=200 if ready else 503
        )


class MetricsEndpoint:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    async def endpoint(self, _request: Request) -> Response:
        return Response(render(self._registry), media_type=CONTENT_TYPE_LATEST)
