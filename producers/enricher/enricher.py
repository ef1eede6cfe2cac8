"""One event through the stage: plan → (skip superseded) → read → map → (skip duplicate/stale) → publish.

:class:`Enricher` holds no Kafka consumer: it is called once per decoded event by the service (the consumer
runtime's processor) and returns only after every snapshot it decided to publish was acknowledged by Kafka,
so the runtime commits the offset only then. Reads of one snapshot key are serialised inside the process,
so two events for the same order (say a shipment and a status change, keyed differently on the input topic)
cannot publish an older read after a newer one.

Rate limiting slows, never fails: the client already paces requests and waits out 429s; if a read still
ends in :class:`~bcx.bigcommerce.errors.RateLimited`, the enricher waits for the reset and reads again,
for as long as it takes (until shutdown, which makes the event retryable and leaves its offset uncommitted).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.errors import AuthError, PermanentError, RateLimited, RetryableError
from bcx.bigcommerce.models import Order as ApiOrder
from bcx.contracts.commerce_common import SnapshotEnvelope, Trigger
from bcx.contracts.webhook_event import SWEEP_SCOPE_PREFIX, WebhookAuthentication, WebhookEvent
from bcx.errors import ConfigurationError
from bcx.logging import get_logger
from producers.enricher import mapping
from producers.enricher.api_calls import start_counting
from producers.enricher.errors import EnrichmentRetryable, UnenrichableEvent
from producers.enricher.fetch import EventReads, SubResourceMissing
from producers.enricher.keylocks import KeyLocks
from producers.enricher.metrics import EnricherMetrics
from producers.enricher.plan import Target, metric_scope, plan
from producers.enricher.profiles import Profiles
from producers.enricher.reconcile import RECONCILE_PREFIX
from producers.enricher.versions import Published, VersionLedger

log = get_logger(__name__)

#: how long to wait when a RateLimited escapes the client without a usable reset time
_FALLBACK_RATE_LIMIT_WAIT_S = 1.0
#: scopes that are news in themselves (the event, not a change of state, triggers a document)
NEWS_SCOPES = frozenset({"store/cart/abandoned"})


class SnapshotPublisher(Protocol):
    async def publish(self, record: SnapshotEnvelope) -> None:
        """Send ``record`` to its topic keyed by ``record.key``; return once Kafka acknowledged it."""


@dataclass(frozen=True)
class Source:
    """Where the event record came from (for the snapshot's lineage)."""

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None


@dataclass
class EventOutcome:
    outcome: str
    snapshots: dict[str, str] = field(default_factory=dict)
    api_calls: int = 0


class Enricher:
    def __init__(
        self,
        client: BigCommerceClient,
        publisher: SnapshotPublisher,
        metrics: EnricherMetrics,
        *,
        ledger: VersionLedger | None = None,
        producer_version: str = "0.1.0",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        shutdown: asyncio.Event | None = None,
        horizon_margin: timedelta | None = timedelta(seconds=5),
        profile_ttl_s: float | None = 600.0,
    ) -> None:
        self._client = client
        self._publisher = publisher
        self._metrics = metrics
        self.ledger = ledger or VersionLedger()
        self._version = producer_version
        self._clock = clock
        self._sleep = sleep
        self._shutdown = shutdown or asyncio.Event()
        self._margin = horizon_margin
        #: store/customer profiles and categories carried in snapshots; None = not carried
        self.profiles = Profiles(client, ttl_s=profile_ttl_s) if profile_ttl_s is not None else None
        self._locks = KeyLocks()

    async def enrich(self, event: WebhookEvent, source: Source = Source()) -> EventOutcome:
        """Publish the snapshots ``event`` calls for; raises :mod:`~producers.enricher.errors` failures."""
        started = time.monotonic()
        scope = metric_scope(event.scope)
        count = start_counting()
        try:
            result = await self._enrich(event, source)
        except (UnenrichableEvent, EnrichmentRetryable) as exc:
            self._metrics.events.labels(scope, "failed").inc()
            log.warning(
                "enricher.event_failed",
                event_id=event.event_id,
                scope=event.scope,
                store_hash=event.store_hash,
                error_class=exc.error_class,
                error=str(exc)[:300],
                retryable=exc.retryable,
                api_calls=count.requests,
            )
            raise
        finally:
            self._metrics.api_calls.observe(count.requests)
            self._metrics.duration.observe(time.monotonic() - started)
        result.api_calls = count.requests
        self._metrics.events.labels(scope, result.outcome).inc()
        log.info(
            "enricher.event",
            event_id=event.event_id,
            scope=event.scope,
            store_hash=event.store_hash,
            outcome=result.outcome,
            snapshots=result.snapshots,
            api_calls=count.requests,
            rate_limited=count.rate_limited,
            waited_s=round(count.waited_s, 3),
        )
        return result

    async def _enrich(self, event: WebhookEvent, source: Source) -> EventOutcome:
        if self.profiles is not None:
            self.profiles.invalidate(event)
        if self.ledger.handled(event.event_id):
            return EventOutcome("duplicate")
        planned = plan(event)
        if not planned.targets:
            self.ledger.mark_handled(event.event_id)
            return EventOutcome("ignored")
        trigger = mapping.trigger_of(
            event,
            topic=source.topic,
            partition=source.partition,
            offset=source.offset,
            reconciliation=event.authentication is WebhookAuthentication.RECONCILIATION
            or event.event_id.startswith(RECONCILE_PREFIX),
        )
        reads = EventReads(self._client, event.store_hash, self.profiles)
        outcomes: dict[str, str] = {}
        for target in planned.targets:
            key = target.key(event.store_hash)
            async with self._locks.hold(key):
                outcomes[key] = await self._target(event, target, key, trigger, reads)
        self.ledger.mark_handled(event.event_id)
        values = set(outcomes.values())
        if values & {"published", "deleted"}:
            overall = "published"
        elif "superseded" in values:
            overall = "superseded"
        else:
            overall = "duplicate"
        return EventOutcome(overall, outcomes)

    async def _target(
        self, event: WebhookEvent, target: Target, key: str, trigger: Trigger, reads: EventReads
    ) -> str:
        # a sweep's event (a delay) and BigCommerce's abandoned-cart event are news about an entity that may
        # not have changed since the last read: published even so, or a letter that event triggers is lost
        swept = event.scope.startswith(SWEEP_SCOPE_PREFIX) or event.scope in NEWS_SCOPES
        if not swept and self.ledger.superseded(key, event.created_at):
            return self._decided(target, "superseded")
        record = await self._read(event, target, trigger, reads)
        if self.ledger.stale(key, record.date_modified):
            return self._decided(target, "stale")
        if not swept and self.ledger.duplicate(key, record.content_digest):
            return self._decided(target, "duplicate")
        try:
            await self._publisher.publish(record)
        except Exception as exc:
            raise EnrichmentRetryable(
                f"snapshot {key} not acknowledged: {type(exc).__name__}: {exc}",
                error_class="kafka.produce",
                stage="publish",
            ) from exc
        horizon = self._horizon(event, record)
        self.ledger.record(key, Published(horizon, record.date_modified, record.content_digest))
        self._metrics.latency.observe(max(0.0, (self._clock() - event.created_at).total_seconds()))
        return self._decided(target, "deleted" if record.deleted else "published")

    def _horizon(self, event: WebhookEvent, record: SnapshotEnvelope) -> datetime | None:
        """A time before which every change is reflected in ``record`` (see :mod:`.versions`).

        The entity's version; a deletion was observed after its event; and the read itself saw every change
        made before it — less ``horizon_margin``, which covers BigCommerce's one-second timestamps and the
        clock difference between BigCommerce and us. That last bound is what lets a backlog (events waiting
        behind a rate limit) skip the reads a newer read already made.
        """
        gone = record.deleted and record.date_modified is None
        candidates = [event.created_at if gone else record.date_modified]
        if self._margin is not None:
            candidates.append(record.fetched_at - self._margin)
        known = [c for c in candidates if c is not None]
        return max(known) if known else None

    def _decided(self, target: Target, outcome: str) -> str:
        self._metrics.snapshots.labels(target.entity_type, outcome).inc()
        return outcome

    async def _read(
        self, event: WebhookEvent, target: Target, trigger: Trigger, reads: EventReads
    ) -> SnapshotEnvelope:
        while True:
            try:
                return await self._read_once(event, target, trigger, reads)
            except RateLimited as exc:
                if self._shutdown.is_set():
                    raise EnrichmentRetryable(
                        "shutting down while rate limited", error_class="bigcommerce.rate_limited"
                    ) from exc
                wait = exc.reset_after_s if exc.reset_after_s > 0 else _FALLBACK_RATE_LIMIT_WAIT_S
                self._metrics.rate_limit_waits.inc()
                self._metrics.rate_limit_wait_seconds.inc(wait)
                log.info("enricher.rate_limited", store_hash=event.store_hash, wait_s=wait)
                await self._sleep(wait)
            except AuthError as exc:
                raise UnenrichableEvent(str(exc), error_class="bigcommerce.auth", stage="read") from exc
            except PermanentError as exc:
                raise UnenrichableEvent(
                    str(exc), error_class=f"bigcommerce.{type(exc).__name__.lower()}", stage="read"
                ) from exc
            except (RetryableError, SubResourceMissing) as exc:
                raise EnrichmentRetryable(
                    str(exc), error_class="bigcommerce.unavailable", stage="read"
                ) from exc
            except ConfigurationError as exc:
                raise UnenrichableEvent(str(exc), error_class="config.unknown_store", stage="read") from exc

    async def _read_once(
        self, event: WebhookEvent, target: Target, trigger: Trigger, reads: EventReads
    ) -> SnapshotEnvelope:
        env = mapping.Envelope(
            store_hash=event.store_hash,
            entity_type=target.entity_type,
            entity_id=target.entity_id,
            fetched_at=self._clock(),
            trigger=trigger,
            producer_version=self._version,
        )
        kind = target.entity_type
        store = event.store_hash
        if kind == "order":
            order = await reads.order(int(target.entity_id), alongside=self._prefetch(store))
            products = [p.product_id for p in order.products] if order else []
            context = await self._context(store, order.order.customer_id if order else 0, products)
            return mapping.order_record(env, order, context)
        if kind == "refund":
            assert target.order_id is not None
            refund, owner = await reads.refund(int(target.entity_id), target.order_id)
            context = await self._context(store, owner.order.customer_id if owner else 0, None)
            return mapping.refund_record(env, refund, order_id=target.order_id, order=owner, context=context)
        if kind == "customer":
            return mapping.customer_record(env, await reads.customer(int(target.entity_id)))
        if kind == "cart":
            abandoned = event.scope.rstrip("/").endswith("/cart/abandoned")
            cart = await reads.cart(target.entity_id)
            context = await self._context(store, cart.customer_id if cart else 0, None, with_store=False)
            return mapping.cart_record(env, cart, abandoned=abandoned, context=context)
        if kind == "product":
            return mapping.product_record(env, await reads.product(int(target.entity_id)))
        if kind == "company":
            return mapping.account_record(env, await reads.company(int(target.entity_id)))
        raise UnenrichableEvent(f"no reader for {kind}", error_class="event.unsupported", stage="read")

    def _prefetch(self, store: str) -> Callable[[ApiOrder], Awaitable[None]] | None:
        """Start the store and customer profile reads as soon as the order's first call named the customer,
        so they overlap the order's sub-resource reads (cached: :meth:`_context` then finds them)."""
        profiles = self.profiles
        if profiles is None:
            return None

        async def prefetch(order: ApiOrder) -> None:
            with contextlib.suppress(Exception):  # best effort: _context reads (and reports) them again
                await asyncio.gather(profiles.store(store), profiles.customer(store, order.customer_id))

        return prefetch

    async def _context(
        self, store: str, customer_id: int, products: list[int] | None, *, with_store: bool = True
    ) -> mapping.Context:
        """The profiles a snapshot carries (cached; see :mod:`.profiles`); empty when they are off."""
        if self.profiles is None:
            return mapping.Context()
        profiles = self.profiles

        async def nothing() -> None:
            return None

        # independent reads: concurrently, so a cold profile adds one round trip, not four
        store_profile, customer, facts = await asyncio.gather(
            profiles.store(store) if with_store else nothing(),
            profiles.customer(store, customer_id),
            profiles.products(store, products) if products else nothing(),
        )
        return mapping.Context(
            store=store_profile,
            customer=customer,
            categories={p: list(f.categories) for p, f in facts.items()} if facts is not None else None,
        )
