"""The callback endpoint, as a plain ASGI app mounted on the Starlette router (the hot path stays lean).

Order of checks: header size (431), content type (415), declared and actual body size while streaming (413),
JSON (400),
required fields (422), store authentication (401), duplicate window, then publish and answer 200 with an
empty body only once Kafka acknowledged — or 503 + Retry-After when it could not in time.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from starlette.types import Receive, Scope, Send

from bcx.bigcommerce.signing import ID_HEADER
from bcx.logging import get_logger
from producers.webhook_bridge.auth import MAX_WEBHOOK_ID, authenticate
from producers.webhook_bridge.dedupe import DuplicateWindow
from producers.webhook_bridge.errors import BridgeError, PayloadRejected
from producers.webhook_bridge.event import build_event
from producers.webhook_bridge.metrics import UNAUTHENTICATED, BridgeMetrics, scope_label
from producers.webhook_bridge.payload import parse_callback
from producers.webhook_bridge.publisher import Publisher
from producers.webhook_bridge.settings import BridgeOptions, StoreAuth

log = get_logger(__name__)


CLIENT_GONE = 499  # nginx's convention for "the client went away before the answer"
_JSON = [(b"content-type", b"application/json")]


class ClientDisconnected(Exception):
    """The caller hung up while we read the body; there is nobody to answer."""


class Outcome(NamedTuple):
    """How a callback was answered (a tuple: one is built per request)."""

    status: int
    outcome: str
    fields: dict[str, Any]
    label: str = UNAUTHENTICATED  # the metric's scope label: the scope once the store is authenticated


def header_bytes(raw: list[tuple[bytes, bytes]]) -> int:
    """Size of the headers as sent (``name: value`` and CRLF each)."""
    return sum(len(name) + len(value) + 4 for name, value in raw)


def check_content_type(value: str | None) -> None:
    media = (value or "").split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise PayloadRejected(415, "unsupported_media_type", "send application/json")


async def read_body(receive: Receive, limit: int, declared: str | None) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadRejected(413, "body_too_large", f"limit is {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadRejected(413, "body_too_large", f"limit is {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def presented_webhook_id(headers: Mapping[str, str]) -> str | None:
    """A ``webhook-id`` from an authenticated sender is the event id even when no signature was checked."""
    value = headers.get(ID_HEADER)
    if value and len(value) <= MAX_WEBHOOK_ID and value.isprintable():
        return value
    return None


class WebhookEndpoint:
    """``POST`` handler for BigCommerce callbacks.

    Writes one canonical line per callback: always for rejections, failures and duplicates, and for the
    share ``options.log_accepted`` of accepted ones. Configure logging before building it: the logger is
    bound once here, so a line costs no per-call logger lookup (and nothing at all below its level).
    """

    def __init__(
        self,
        *,
        options: BridgeOptions,
        stores: Mapping[str, StoreAuth],
        publisher: Publisher,
        dedupe: DuplicateWindow,
        metrics: BridgeMetrics,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._options = options
        self._stores = stores
        self._publisher = publisher
        self._dedupe = dedupe
        self._metrics = metrics
        self._clock = clock
        self._log = log.bind()
        self._accepted_rate = options.accepted_log_rate
        self._random = random.Random()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        metrics = self._metrics
        metrics.in_flight_now += 1
        try:
            # the server (http_protocol.py) stops reading at the same bound; this covers any other server
            if header_bytes(scope["headers"]) > self._options.max_header_bytes:
                result = Outcome(431, "headers_too_large", {})
            else:
                headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
                result = await self._handle(receive, headers)
        except ClientDisconnected:
            result = Outcome(CLIENT_GONE, "client_disconnected", {})
        finally:
            metrics.in_flight_now -= 1
        if result.status != CLIENT_GONE:
            await _answer(send, result, self._options.retry_after_s)
        elapsed = time.perf_counter() - started
        metrics.observe(result.label, result.outcome, result.status, elapsed)
        fields = result.fields
        if result.outcome == "accepted" and self._accepted_rate < 1.0:
            if self._random.random() >= self._accepted_rate:
                return
            fields["sample_rate"] = self._accepted_rate  # a log-based count multiplies by 1/rate
        level = self._log.info if result.status < 400 or result.status == CLIENT_GONE else self._log.warning
        level(
            "bridge.callback",
            status=result.status,
            outcome=result.outcome,
            scope=result.label,
            duration_ms=round(elapsed * 1000, 2),
            **fields,
        )

    async def _handle(self, receive: Receive, headers: dict[str, str]) -> Outcome:
        fields: dict[str, Any] = {}
        label = UNAUTHENTICATED
        try:
            check_content_type(headers.get("content-type"))
            body = await read_body(receive, self._options.max_body_bytes, headers.get("content-length"))
            callback = parse_callback(body)
            fields["store_hash"] = callback.store_hash
            now = self._clock()
            verdict = authenticate(
                self._stores.get(callback.store_hash),
                headers,
                body,
                now=now,
                tolerance_s=self._options.signature_tolerance_s,
            )
            label = scope_label(callback.scope)
            event = build_event(callback, verdict, presented_webhook_id(headers), now)
            fields.update(
                event_id=event.event_id, resource_type=event.resource_type, resource_id=event.resource_id
            )
            if self._dedupe.seen(event.event_id):
                return Outcome(200, "duplicate", fields, label)
            delivered = await self._publisher.publish(event)
            self._dedupe.remember(event.event_id)
            fields.update(partition=delivered.partition, offset=delivered.offset)
            return Outcome(200, "accepted", fields, label)
        except BridgeError as exc:
            if exc.detail:
                fields["detail"] = exc.detail
            return Outcome(exc.status, exc.reason, fields, label)


async def _answer(send: Send, result: Outcome, retry_after_s: int) -> None:
    if result.status == 200:
        # BigCommerce recommends no body and no extra headers on the acknowledgement
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})
        return
    body = json.dumps({"error": result.outcome}).encode()
    headers = [*_JSON, (b"content-length", str(len(body)).encode())]
    if result.status == 503:
        headers.append((b"retry-after", str(retry_after_s).encode()))
    await send({"type": "http.response.start", "status": result.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
