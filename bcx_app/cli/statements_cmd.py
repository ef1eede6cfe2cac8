"""``bcx statements plan --period 2026-11 [--store S] [--reissue]``: one statement request per approved
B2B company and period to ``commerce.schedules.v1`` (the Kubernetes CronJob runs it on the 1st, for the
month just closed; the default period).

Re-running a period publishes nothing already published; ``--reissue`` publishes every company again as a
new version (a new edition of its documents). Without ``--store`` every configured store is planned.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bcx.bigcommerce.settings import BigCommerceSettings
from bcx.settings import KafkaSettings, ProcessSettings, RegistrySettings
from consumers.account_statements.settings import AccountStatementsConfig


class PlanSettings(ProcessSettings):
    kafka: KafkaSettings = KafkaSettings()
    registry: RegistrySettings = RegistrySettings()
    bigcommerce: BigCommerceSettings = BigCommerceSettings()
    # the batch threshold and chunk size: a run above the threshold is planned as chunk requests
    account_statements: AccountStatementsConfig = AccountStatementsConfig()


def previous_month(today: date) -> str:
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "statements", help="B2B statement runs (account-statements flow)", description=__doc__
    )
    commands = parser.add_subparsers(dest="statements_command", required=True)
    plan = commands.add_parser("plan", help="publish one statement request per company and period")
    plan.add_argument("--period", default=None, help="YYYY-MM (default: the previous month, UTC)")
    plan.add_argument("--store", action="append", default=None, help="store hash (repeatable; default all)")
    plan.add_argument("--reissue", action="store_true", help="publish a new version for every company")
    plan.add_argument("--requested-by", default="manual", help="recorded in the requests (cronjob, manual)")
    plan.set_defaults(handler=_plan)


def _plan(args: argparse.Namespace) -> int:
    from bcx.errors import ConfigurationError
    from bcx.logging import configure_logging
    from bcx.settings import load_settings
    from consumers.account_statements.period import Period

    settings = load_settings(PlanSettings)
    configure_logging(settings.log)
    period = Period.parse(args.period or previous_month(datetime.now(UTC).date()))
    stores = args.store or [s.store_hash for s in settings.bigcommerce.stores]
    if not stores:
        raise ConfigurationError("no store to plan: pass --store or set BCX_BIGCOMMERCE__STORES")
    for store in stores:
        settings.bigcommerce.credentials(store)  # fail fast on an unknown store
    for store in stores:
        report = asyncio.run(
            run_plan(settings, store, period, reissue=args.reissue, requested_by=args.requested_by)
        )
        print(
            f"statements {store} {period}: {report.published} published, {report.already} already "
            f"published, {report.companies} approved companies"
        )
    return 0


async def run_plan(
    settings: PlanSettings,
    store_hash: str,
    period: Any,
    *,
    reissue: bool = False,
    requested_by: str = "manual",
    registry: Any = None,
    topic: str | None = None,
) -> Any:
    """Plan one store's period; every request is acknowledged by Kafka before this returns."""
    from bcx.avro.registry import registry_client
    from bcx.bigcommerce.client import BigCommerceClient
    from bcx.contracts.codecs import codec_for
    from bcx.contracts.commerce_schedules import TOPIC, ScheduleRequestRecord
    from bcx.kafka.config import producer_config
    from bcx.kafka.producer import KafkaProducer
    from consumers.account_statements.plan import plan, published_versions

    codec = codec_for(
        ScheduleRequestRecord,
        TOPIC,
        registry or registry_client(settings.registry),
        auto_register=settings.registry.auto_register,
    )
    target = topic or TOPIC
    versions = await asyncio.to_thread(
        published_versions, settings.kafka.client_config(), codec.decode, store_hash, period, topic=target
    )
    producer = KafkaProducer(producer_config(settings.kafka))
    pending: list[asyncio.Future[Any]] = []

    def publish(key: str, record: ScheduleRequestRecord) -> None:
        pending.append(asyncio.wrap_future(producer.produce(target, codec.encode(record), key=key)))

    try:
        async with BigCommerceClient(settings.bigcommerce) as client:
            report = await plan(
                client.list_companies(store_hash),
                versions,
                publish,
                store_hash=store_hash,
                period=period,
                reissue=reissue,
                requested_by=requested_by,
                batch_threshold=settings.account_statements.batch_threshold,
                chunk_size=settings.account_statements.batch_chunk,
            )
        await asyncio.gather(*pending)
    finally:
        producer.close()
    return report
