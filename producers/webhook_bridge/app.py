"""Wiring: settings → producer, codec, publisher, duplicate window, metrics → a Starlette app with a lifespan.

:func:`create_app` takes its collaborators (tests inject a producer on a test broker);
:func:`app_from_settings` builds them from :class:`BridgeSettings` for ``bcx bridge``. On shutdown (after
uvicorn stopped accepting and in-flight requests finished) the lifespan flushes the producer it owns.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

from confluent_kafka.schema_registry import SchemaRegistryClient
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from bcx.contracts.codecs import codec_for, webhook_event_codec
from bcx.contracts.commerce_returns import ReturnRecord
from bcx.contracts.webhook_event import WebhookEvent
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.logging import flush_logs, get_logger
from bcx.metrics import new_registry
from producers.webhook_bridge.dedupe import DuplicateWindow
from producers.webhook_bridge.errors import Unavailable
from producers.webhook_bridge.handler import WebhookEndpoint
from producers.webhook_bridge.health import MetricsEndpoint, Readiness, livez
from producers.webhook_bridge.metrics import BridgeMetrics
from producers.webhook_bridge.openapi import WEBHOOK_PATH, build_openapi
from producers.webhook_bridge.publisher import EventCodec, Publisher, RecordCodec, event_headers
from producers.webhook_bridge.returns_intake import RETURNS_PATH, ReturnsEndpoint, return_headers
from producers.webhook_bridge.returns_openapi import build_returns_openapi
from producers.webhook_bridge.settings import BridgeOptions, BridgeSettings, StoreAuth, load_stores

log = get_logger(__name__)


class FastPath:
    """``POST`` to the webhook path goes straight to the endpoint; everything else (lifespan, probes,
    metrics, 404/405) goes through Starlette. Skipping the router and its middleware stack on the one hot
    route saves a sizeable share of the per-callback CPU (see docs/webhook-bridge.md)."""

    def __init__(self, endpoint: WebhookEndpoint, app: Starlette) -> None:
        self._endpoint = endpoint
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == WEBHOOK_PATH:
            await self._endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)


@dataclass(frozen=True)
class Bridge:
    """A built bridge: the ASGI app plus the parts tests and the server look at."""

    app: FastPath
    publisher: Publisher[WebhookEvent]
    metrics: BridgeMetrics
    registry: CollectorRegistry
    dedupe: DuplicateWindow
    #: the returns intake's publisher (``None`` when the bridge was built without a returns codec)
    returns: Publisher[ReturnRecord] | None = None


def create_app(
    options: BridgeOptions,
    stores: Mapping[str, StoreAuth],
    producer: KafkaProducer,
    codec: EventCodec,
    *,
    owns_producer: bool = False,
    clock: Callable[[], float] = time.time,
    registry: CollectorRegistry | None = None,
    returns_codec: RecordCodec[ReturnRecord] | None = None,
) -> Bridge:
    registry = registry or new_registry()
    metrics = BridgeMetrics(registry, clock=clock)
    publisher = Publisher(
        producer,
        codec,
        options.topic,
        timeout_s=options.produce_timeout_s,
        metrics=metrics,
        headers=event_headers,
    )
    dedupe = DuplicateWindow(
        max_entries=options.dedupe_max_entries, ttl_s=options.dedupe_window_s, clock=clock
    )
    metrics.track_duplicate_window(dedupe.__len__)
    endpoint = WebhookEndpoint(
        options=options, stores=stores, publisher=publisher, dedupe=dedupe, metrics=metrics, clock=clock
    )
    document = build_openapi()
    returns_routes, returns = _returns_intake(options, producer, returns_codec, metrics, clock)

    async def openapi(_request: Request) -> Response:
        return JSONResponse(document)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            schema_id = await publisher.ensure_schema()
            log.info("bridge.started", topic=options.topic, schema_id=schema_id, stores=len(stores))
        except Unavailable as exc:
            log.warning("bridge.started_without_schema", error=exc.detail)
        if returns is not None:
            try:
                await returns.ensure_schema()
            except Unavailable as exc:  # the intake answers 503 until the registry answers
                log.warning("bridge.returns_without_schema", error=exc.detail)
        yield
        if owns_producer:
            remaining = await asyncio.to_thread(producer.close, options.shutdown_timeout_s)
            log.info("bridge.stopped", undelivered=remaining)
        flush_logs()  # the last lines, before uvicorn re-raises SIGTERM (which skips atexit)

    app = Starlette(
        routes=[
            Route(WEBHOOK_PATH, endpoint, methods=["POST"]),
            Route("/livez", livez, methods=["GET"]),
            Route(
                "/readyz",
                Readiness(producer, publisher, timeout_s=options.readiness_timeout_s).endpoint,
                methods=["GET"],
            ),
            Route("/metrics", MetricsEndpoint(registry).endpoint, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"]),
            *returns_routes,
        ],
        lifespan=lifespan,
    )
    return Bridge(FastPath(endpoint, app), publisher, metrics, registry, dedupe, returns)


def _returns_intake(
    options: BridgeOptions,
    producer: KafkaProducer,
    codec: RecordCodec[ReturnRecord] | None,
    metrics: BridgeMetrics,
    clock: Callable[[], float],
) -> tuple[list[Route], Publisher[ReturnRecord] | None]:
    """The returns intake's routes on the same producer, metrics and machinery as the webhook endpoint."""
    if codec is None:
        return [], None
    publisher = Publisher(
        producer,
        codec,
        options.returns_topic,
        timeout_s=options.produce_timeout_s,
        metrics=metrics,
        headers=return_headers,
    )
    dedupe = DuplicateWindow(
        max_entries=options.dedupe_max_entries, ttl_s=options.dedupe_window_s, clock=clock
    )
    endpoint = ReturnsEndpoint(
        options=options, publisher=publisher, dedupe=dedupe, metrics=metrics, clock=clock
    )
    document = build_returns_openapi()

    async def openapi(_request: Request) -> Response:
        return JSONResponse(document)

    routes = [
        Route(RETURNS_PATH, endpoint, methods=["POST"]),
        Route(f"{RETURNS_PATH}/openapi.json", openapi, methods=["GET"]),
    ]
    return routes, publisher


def app_from_settings(settings: BridgeSettings) -> Bridge:
    """The bridge ``bcx bridge`` serves: its own producer (acks=all, idempotent) and registry client."""
    stores = load_stores(settings.bridge)
    schema_registry = SchemaRegistryClient(settings.registry.client_config())
    codec = webhook_event_codec(schema_registry)
    returns_codec = codec_for(ReturnRecord, settings.bridge.returns_topic, schema_registry)
    producer = KafkaProducer(producer_config(settings.kafka))
    return create_app(
        settings.bridge, stores, producer, codec, owns_producer=True, returns_codec=returns_codec
    )
