"""Posting callbacks the way BigCommerce does: JSON body, custom secret header, Standard Webhooks signature.

:class:`WebhookSender` turns ``(scope, data)`` events into deliveries (body + headers) and POSTs them;
:func:`run_scenarios` drives scenarios against the simulator and sends what they cause, with options for
duplicates (the same delivery sent again: same body, hash and ``webhook-id``), reordering (all callbacks
of the run shuffled) and bursts (many scenario runs at once).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from bcx.bigcommerce.signing import encode_secret, signed_headers
from bcx.logging import get_logger
from simulators.bigcommerce.webhooks import payloads
from simulators.bigcommerce.webhooks.scenarios import SCENARIOS, Event, ScenarioContext

log = get_logger(__name__)


@dataclass(frozen=True)
class Delivery:
    webhook_id: str
    scope: str
    body: bytes


@dataclass(frozen=True)
class DeliveryResult:
    webhook_id: str
    scope: str
    status: int | None
    error: str | None = None


@dataclass(frozen=True)
class SendOptions:
    duplicates: float = 0.0  # chance that a delivery is sent a second time
    reorder: bool = False  # shuffle every callback of the run before sending
    burst: int = 1  # concurrent runs of each scenario
    concurrency: int = 8  # deliveries in flight at once


@dataclass
class SendReport:
    results: list[DeliveryResult] = field(default_factory=list)

    @property
    def by_status(self) -> dict[str, int]:
        return dict(Counter(str(r.status) if r.status is not None else "error" for r in self.results))

    @property
    def scopes(self) -> list[str]:
        return [r.scope for r in self.results]


class WebhookSender:
    """Builds and posts callbacks for one store to ``target_url``."""

    def __init__(
        self,
        target_url: str,
        *,
        store_id: int,
        store_hash: str,
        client_secret: str | None = None,
        secret_header: tuple[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        timeout_s: float = 10.0,
    ) -> None:
        self._target = target_url
        self._store_id = store_id
        self._store_hash = store_hash
        self._key = encode_secret(client_secret) if client_secret else None
        self._secret_header = secret_header
        self._clock = clock
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout_s)

    async def aclose(self) -> None:
        await self._http.aclose()

    def build(self, event: Event) -> Delivery:
        scope, data = event
        body = payloads.callback(
            scope,
            store_id=self._store_id,
            store_hash=self._store_hash,
            data=data,
            created_at=int(self._clock()),
        )
        return Delivery(f"msg_{uuid.uuid4().hex}", scope, json.dumps(body, separators=(",", ":")).encode())

    def headers(self, delivery: Delivery) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "User-Agent": "bcx-bigcommerce-simulator"}
        if self._secret_header is not None:
            headers[self._secret_header[0]] = self._secret_header[1]
        if self._key is not None:
            signed = signed_headers(self._key, delivery.webhook_id, int(self._clock()), delivery.body)
            headers.update(signed.as_dict())
        return headers

    async def deliver(self, delivery: Delivery) -> DeliveryResult:
        try:
            response = await self._http.post(
                self._target, content=delivery.body, headers=self.headers(delivery)
            )
        except httpx.HTTPError as exc:
            log.warning("webhook.delivery_failed", scope=delivery.scope, error=type(exc).__name__)
            return DeliveryResult(delivery.webhook_id, delivery.scope, None, type(exc).__name__)
        log.info("webhook.delivered", scope=delivery.scope, status=response.status_code)
        return DeliveryResult(delivery.webhook_id, delivery.scope, response.status_code)

    async def deliver_all(
        self, deliveries: Sequence[Delivery], options: SendOptions, rng: random.Random
    ) -> list[DeliveryResult]:
        """Send ``deliveries`` (plus duplicates, in order unless reordered), ``concurrency`` at a time."""
        queue = [
            d
            for delivery in deliveries
            for d in ([delivery] * (2 if rng.random() < options.duplicates else 1))
        ]
        if options.reorder:
            rng.shuffle(queue)
        if options.concurrency <= 1:
            return [await self.deliver(d) for d in queue]
        gate = asyncio.Semaphore(options.concurrency)

        async def one(delivery: Delivery) -> DeliveryResult:
            async with gate:
                return await self.deliver(delivery)

        return list(await asyncio.gather(*(one(d) for d in queue)))


async def run_scenarios(
    names: Sequence[str], ctx: ScenarioContext, sender: WebhookSender, options: SendOptions
) -> SendReport:
    """Run each named scenario ``options.burst`` times and send the callbacks they cause."""
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise ValueError(f"unknown scenarios {unknown}; known: {sorted(SCENARIOS)}")
    report = SendReport()
    held: list[Delivery] = []

    async def run(name: str) -> None:
        async for step in SCENARIOS[name](ctx):
            deliveries = [sender.build(event) for event in step]
            if options.reorder:
                held.extend(deliveries)
            else:
                in_order = SendOptions(duplicates=options.duplicates, concurrency=1)
                report.results.extend(await sender.deliver_all(deliveries, in_order, ctx.rng))

    await asyncio.gather(*(run(name) for name in names for _ in range(options.burst)))
    if held:
        report.results.extend(await sender.deliver_all(held, options, ctx.rng))
    return report
