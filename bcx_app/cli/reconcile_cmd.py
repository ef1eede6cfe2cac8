"""``bcx reconcile --store S --since T``: publish what changed since ``T`` as synthetic webhook events.

Orders and customers modified at or after ``T`` (and the carts those orders converted) are read from the
BigCommerce API and published to ``bigcommerce.webhooks.v1``; ``bcx enrich`` turns them into snapshots.
Event ids are deterministic, so running it again over the same window is harmless. ``T`` is ISO 8601
(``2026-03-01T00:00:00Z``) or a duration back from now (``90m``, ``6h``, ``2d``).
"""

from __future__ import annotations

import argparse
import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from pydantic import Field, model_validator

from bcx.bigcommerce.settings import BigCommerceSettings
from bcx.contracts.webhook_event import TOPIC as WEBHOOKS_TOPIC
from bcx.errors import ConfigurationError
from bcx.settings import KafkaSettings, ProcessSettings, RegistrySettings

_DURATION = re.compile(r"^(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
ENTITIES = ("orders", "customers", "carts")


class ReconcileSettings(ProcessSettings):
    kafka: KafkaSettings = KafkaSettings()
    registry: RegistrySettings = RegistrySettings()
    bigcommerce: BigCommerceSettings = BigCommerceSettings()
    input_topic: str = Field(default=WEBHOOKS_TOPIC)

    @model_validator(mode="after")
    def _has_stores(self) -> Self:
        self.bigcommerce.require_stores()
        return self


def parse_since(text: str, now: datetime) -> datetime:
    """ISO 8601 (naive means UTC) or ``<n>m|h|d`` before ``now``."""
    match = _DURATION.match(text.strip())
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigurationError(f"--since {text!r}: not ISO 8601 nor a duration like 6h") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "reconcile",
        help="publish changes since T as webhook events (missed-event recovery)",
        description=__doc__,
    )
    parser.add_argument("--store", required=True, help="store hash")
    parser.add_argument("--since", required=True, help="ISO 8601 time or a duration (90m, 6h, 2d)")
    parser.add_argument(
        "--entities", default=",".join(ENTITIES), help=f"comma-separated subset of {','.join(ENTITIES)}"
    )
    parser.add_argument("--topic", default=None, help="publish here instead of the configured input topic")
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would be published, publish nothing"
    )
    parser.set_defaults(handler=_reconcile)


def _reconcile(args: argparse.Namespace) -> int:
    from bcx.logging import configure_logging
    from bcx.settings import load_settings

    settings = load_settings(ReconcileSettings)
    configure_logging(settings.log, component="reconcile")
    entities = frozenset(e.strip() for e in args.entities.split(",") if e.strip())
    unknown = entities - set(ENTITIES)
    if unknown:
        raise ConfigurationError(f"--entities: unknown {sorted(unknown)}; known {list(ENTITIES)}")
    since = parse_since(args.since, datetime.now(UTC))
    counts = asyncio.run(
        run_reconcile(settings, args.store, since, entities=entities, topic=args.topic, dry_run=args.dry_run)
    )
    summary = ", ".join(f"{counts.get(e, 0)} {e}" for e in ENTITIES if e in entities)
    verb = "would publish" if args.dry_run else "published"
    print(f"reconcile {args.store} since {since.isoformat()}: {verb} {summary}")
    return 0


async def run_reconcile(
    settings: ReconcileSettings,
    store_hash: str,
    since: datetime,
    *,
    entities: frozenset[str] = frozenset(ENTITIES),
    topic: str | None = None,
    dry_run: bool = False,
    registry: Any = None,
) -> dict[str, int]:
    """Publish the synthetic events (each acknowledged by Kafka) and return how many per entity kind."""
    from bcx.avro.registry import registry_client
    from bcx.bigcommerce.client import BigCommerceClient
    from bcx.contracts.codecs import webhook_event_codec
    from bcx.contracts.webhook_event import WebhookEvent
    from bcx.kafka.config import producer_config
    from bcx.kafka.producer import KafkaProducer
    from producers.enricher.reconcile import reconcile

    settings.bigcommerce.credentials(store_hash)  # fail fast on an unknown store
    target = topic or settings.input_topic
    producer = None if dry_run else KafkaProducer(producer_config(settings.kafka))
    codec = None if dry_run else webhook_event_codec(registry or registry_client(settings.registry))
    pending: list[asyncio.Future[Any]] = []

    async def emit(event: WebhookEvent) -> None:
        if producer is None or codec is None:
            print(f"{event.scope} {event.resource_type}:{event.resource_id} {event.created_at.isoformat()}")
            return
        pending.append(asyncio.wrap_future(producer.produce(target, codec.encode(event), key=event.key)))

    try:
        async with BigCommerceClient(settings.bigcommerce) as client:
            counts = await reconcile(client, store_hash, since, emit, entities=entities)
        await asyncio.gather(*pending)
    finally:
        if producer is not None:
            producer.close()
    return dict(counts)
