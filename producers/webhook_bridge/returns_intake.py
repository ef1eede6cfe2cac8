"""``POST /returns/v1``: the returns intake for returns services that cannot produce to Kafka.

The same machinery and guarantees as the webhook endpoint (:mod:`.handler`, :mod:`.publisher`): header
size (431), content type (415), body size while streaming (413), then the bearer token compared in
constant time against every configured client (401), JSON (400), the ``commerce.returns.v1`` submission
(422, with the offending fields), the client's stores (403), the duplicate window, and 200 only once Kafka
acknowledged the record — or 503 + Retry-After. Nothing is published for a refused request. The 200 body
names the return's RMA number and the record's event id.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from starlette.types import Receive, Scope, Send

from bcx.contracts.commerce_returns import ReturnRecord, ReturnSubmission, return_event_id
from bcx.logging import EVENT_ID_HEADER, get_logger
from producers.webhook_bridge.dedupe import DuplicateWindow
from producers.webhook_bridge.errors import AuthenticationFailed, BridgeError, PayloadRejected
from producers.webhook_bridge.handler import (
    CLIENT_GONE,
    ClientDisconnected,
    Outcome,
    answer,
    check_content_type,
    header_bytes,
    read_body,
)
from producers.webhook_bridge.metrics import BridgeMetrics
from producers.webhook_bridge.publisher import Publisher
from producers.webhook_bridge.settings import BridgeOptions, ReturnsClient

log = get_logger(__name__)

RETURNS_PATH = "/returns/v1"
#: the metric's scope label for every intake request (a closed set: the intake has one)
LABEL = "bcx/returns"


def authenticate_client(clients: Mapping[str, ReturnsClient], authorization: str | None) -> str:
    """The name of the client whose token ``authorization`` (``Bearer <token>``) carries.

    Every client's token is compared, in constant time, whatever matched first: the time taken says
    nothing about which client, or how much of a token, was right.
    """
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise AuthenticationFailed("missing_token")
    given = presented.strip().encode("latin-1", "replace")
    found: str | None = None
    for name, client in clients.items():
        if hmac.compare_digest(given, client.token.get_secret_value().encode()) and found is None:
            found = name
    if found is None:
        raise AuthenticationFailed("invalid_token")
    return found


def parse_submission(body: bytes) -> ReturnSubmission:
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):
        raise PayloadRejected(400, "malformed_json") from None
    if not isinstance(raw, dict):
        raise PayloadRejected(422, "not_an_object")
    try:
        return ReturnSubmission.model_validate(raw)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors(include_input=False)})
        raise InvalidReturn(fields) from None


class InvalidReturn(PayloadRejected):
    """422 ``invalid_return``; ``fields`` (paths, never values) go back to the caller."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(422, "invalid_return", ", ".join(fields))
        self.fields = fields


class ReturnsEndpoint:
    """``POST`` handler of the returns intake (an ASGI app, like the webhook endpoint)."""

    def __init__(
        self,
        *,
        options: BridgeOptions,
        publisher: Publisher[ReturnRecord],
        dedupe: DuplicateWindow,
        metrics: BridgeMetrics,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._options = options
        self._clients = options.returns_clients
        self._publisher = publisher
        self._dedupe = dedupe
        self._metrics = metrics
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        body: dict[str, Any] | None = None
        try:
            if header_bytes(scope["headers"]) > self._options.max_header_bytes:
                result = Outcome(431, "headers_too_large", {})
            else:
                headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
                result, body = await self._handle(receive, headers)
        except ClientDisconnected:
            result = Outcome(CLIENT_GONE, "client_disconnected", {})
        if result.status != CLIENT_GONE:
            await answer(send, result, self._options.retry_after_s, body)
        elapsed = time.perf_counter() - started
        self._metrics.observe(LABEL, result.outcome, result.status, elapsed)
        level = log.info if result.status < 400 or result.status == CLIENT_GONE else log.warning
        level(
            "bridge.return",
            status=result.status,
            outcome=result.outcome,
            duration_ms=round(elapsed * 1000, 2),
            **result.fields,
        )

    async def _handle(
        self, receive: Receive, headers: dict[str, str]
    ) -> tuple[Outcome, dict[str, Any] | None]:
        fields: dict[str, Any] = {}
        try:
            if not self._clients:
                raise PayloadRejected(404, "intake_not_configured")
            check_content_type(headers.get("content-type"))
            body = await read_body(receive, self._options.max_body_bytes, headers.get("content-length"))
            client = authenticate_client(self._clients, headers.get("authorization"))
            fields["client"] = client
            submission = parse_submission(body)
            fields.update(store_hash=submission.store_hash, return_id=submission.return_id)
            if submission.store_hash not in self._clients[client].stores:
                raise PayloadRejected(403, "store_not_allowed")
            now = self._clock()
            record = ReturnRecord(
                **dict(submission),
                source=client,
                received_at=datetime.fromtimestamp(now, UTC),
                event_id=return_event_id(
                    submission.store_hash, submission.return_id, submission.state.value, submission.updated_at
                ),
            )
            fields.update(event_id=record.event_id, state=record.state.value)
            accepted = {
                "return_id": record.return_id,
                "rma_number": record.rma(),
                "event_id": record.event_id,
            }
            if self._dedupe.seen(record.event_id):
                return Outcome(200, "duplicate", fields, LABEL), accepted
            delivered = await self._publisher.publish(record)
            self._dedupe.remember(record.event_id)
            fields.update(partition=delivered.partition, offset=delivered.offset)
            return Outcome(200, "accepted", fields, LABEL), accepted
        except InvalidReturn as exc:
            fields["detail"] = exc.detail
            return Outcome(exc.status, exc.reason, fields, LABEL), {"error": exc.reason, "fields": exc.fields}
        except BridgeError as exc:
            if exc.detail:
                fields["detail"] = exc.detail
            return Outcome(exc.status, exc.reason, fields, LABEL), None


def return_headers(record: ReturnRecord) -> list[tuple[str, bytes]]:
    """The intake's record headers: the event id (consumers bind it to their log lines) and the state."""
    return [
        (EVENT_ID_HEADER, record.event_id.encode()),
        ("bcx.scope", f"bcx/returns/{record.state.value}".encode()),
    ]
