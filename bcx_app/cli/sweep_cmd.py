"""``bcx sweep delayed-orders|abandoned-carts|replenishment|win-back``: find what no webhook announces and
publish it as events, from a Kubernetes CronJob (no scheduler of our own). Each event is named by the state it
reports, so running a sweep twice, or often, sends nothing twice.

- ``delayed-orders [--store S]`` reads BigCommerce (orders waiting to ship, their shipping method, the store's
  timezone) through the rate-limited client and publishes ``bcx/sweep/order/delayed`` events to
  ``bigcommerce.webhooks.v1``; the enricher turns them into order snapshots and the order-exceptions flow
  sends one notice per delay (consumers/order_exceptions/sweep.py). ``--now`` fixes the clock (tests,
  backfills); event ids are deterministic.
- ``abandoned-carts``, ``replenishment``, ``win-back`` read the customer-profiles table and publish one
  trigger per due retention letter to ``marketing.retention-triggers.v1``; the retention flow gates (consent,
  caps) and produces them (docs/retention.md).
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from bcx.bigcommerce.settings import BigCommerceSettings
from bcx.contracts.webhook_event import TOPIC as WEBHOOKS_TOPIC
from bcx.errors import ConfigurationError
from bcx.settings import KafkaSettings, ProcessSettings, RegistrySettings
from consumers.order_exceptions.settings import OrderExceptionsConfig

#: the retention sweeps over the customer-profiles table (docs/retention.md)
MARKETING_SWEEPS = {
    "abandoned-carts": "reminders for carts still open past the configured delay",
    "replenishment": "replenishment reminders from each customer's purchase interval",
    "win-back": "win-back offers once a customer's recency crosses the threshold",
}


class SweepSettings(ProcessSettings):
    kafka: KafkaSettings = KafkaSettings()
    registry: RegistrySettings = RegistrySettings()
    bigcommerce: BigCommerceSettings = BigCommerceSettings()
    order_exceptions: OrderExceptionsConfig = OrderExceptionsConfig()
    input_topic: str = Field(default=WEBHOOKS_TOPIC)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sweep",
        help="find what no webhook announces (delayed orders, due retention letters) and publish it",
        description=__doc__,
    )
    sweeps = parser.add_subparsers(dest="sweep", required=True)
    delayed = sweeps.add_parser("delayed-orders", help="orders still waiting to ship past their promise")
    delayed.add_argument(
        "--store",
        action="append",
        default=None,
        help="store hash (repeatable; default: every configured store)",
    )
    delayed.add_argument("--now", default=None, help="ISO 8601 time to sweep as of (default: the clock)")
    delayed.add_argument("--topic", default=None, help="publish here instead of the configured input topic")
    delayed.add_argument("--dry-run", action="store_true", help="list the delays, publish nothing")
    delayed.set_defaults(handler=_delayed)
    for name, help_text in MARKETING_SWEEPS.items():
        sweep = sweeps.add_parser(name, help=help_text)
        sweep.add_argument("--dry-run", action="store_true", help="count what is due, publish nothing")
        sweep.set_defaults(handler=_marketing)


def _marketing(args: argparse.Namespace) -> int:
    from bcx.logging import configure_logging
    from bcx.settings import load_settings
    from bcx_app.cli.marketing_io import MarketingCliSettings, publish, tables
    from consumers.marketing.policy import load_policy
    from consumers.marketing.runs import sweep_requests
    from consumers.retention.flow import TRIGGERS_TOPIC

    settings = load_settings(MarketingCliSettings)
    configure_logging(settings.log, component="sweep")
    policy = load_policy(settings.marketing.policy_path)
    with tables(settings) as t:
        requests = sweep_requests(args.sweep, t["profiles"].rows().values(), policy, datetime.now(UTC))
    if args.dry_run:
        print(f"sweep {args.sweep}: {len(requests)} letters due (dry run: nothing published)")
        return 0
    sent = publish(settings, TRIGGERS_TOPIC, requests)
    print(f"sweep {args.sweep}: {sent} triggers published")
    return 0


def parse_now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigurationError(f"--now {text!r}: not ISO 8601") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _delayed(args: argparse.Namespace) -> int:
    from bcx.logging import configure_logging
    from bcx.settings import load_settings

    settings = load_settings(SweepSettings)
    configure_logging(settings.log, component="sweep")
    stores = args.store or [store.store_hash for store in settings.bigcommerce.stores]
    if not stores:
        raise ConfigurationError("no store to sweep: pass --store or configure BCX_BIGCOMMERCE__STORES")
    now = parse_now(args.now)
    verb = "would publish" if args.dry_run else "published"
    for store_hash in stores:
        found = asyncio.run(run_sweep(settings, store_hash, now, topic=args.topic, dry_run=args.dry_run))
        print(f"sweep delayed-orders {store_hash}: {verb} {found} delay event(s)")
    return 0


async def run_sweep(
    settings: SweepSettings,
    store_hash: str,
    now: datetime,
    *,
    topic: str | None = None,
    dry_run: bool = False,
    registry: Any = None,
) -> int:
    """Publish the delay events (each acknowledged by Kafka) and return how many."""
    from bcx.avro.registry import registry_client
    from bcx.bigcommerce.client import BigCommerceClient
    from bcx.contracts.codecs import webhook_event_codec
    from bcx.contracts.webhook_event import WebhookEvent
    from bcx.kafka.config import producer_config
    from bcx.kafka.producer import KafkaProducer
    from consumers.order_exceptions.policy import load_policy
    from consumers.order_exceptions.sweep import sweep_delayed_orders

    policy = load_policy(settings.order_exceptions.policy_path)
    settings.bigcommerce.credentials(store_hash)  # fail fast on an unknown store
    target = topic or settings.input_topic
    producer = None if dry_run else KafkaProducer(producer_config(settings.kafka))
    owned = registry_client(settings.registry) if registry is None and not dry_run else None
    codec = None if dry_run else webhook_event_codec(registry or owned)
    pending: list[asyncio.Future[Any]] = []

    async def emit(event: WebhookEvent) -> None:
        if producer is None or codec is None:
            print(f"{event.resource_type}:{event.resource_id} {event.data_json}")
            return
        pending.append(asyncio.wrap_future(producer.produce(target, codec.encode(event), key=event.key)))

    try:
        async with BigCommerceClient(settings.bigcommerce) as client:
            found = await sweep_delayed_orders(client, store_hash, policy, now, emit)
        await asyncio.gather(*pending)
    finally:
        if producer is not None:
            producer.close()
        if owned is not None:
            owned.close()
    return len(found)
