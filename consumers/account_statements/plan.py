"""``bcx statements plan``: one ``commerce.schedules.v1`` request per approved company and period.

Idempotent per company and period: before publishing, the planner reads what the topic already holds for
the store and period (key ``store_hash:company_id:period``, the highest ``version`` per key) and publishes
only companies without a request. ``reissue`` publishes every company again as ``version + 1``: a new
edition whose documents get new idempotency keys (``…:2026-11-r2``), deliberately. Companies are listed
250 per B2B request (``GET /companies?companyStatus=1``) and travel in the request, so the consumer needs
no per-company read of them. Above ``batch_threshold`` due companies the planner publishes chunk requests
instead (``store_hash:chunk-<n>:period``, ``batch_chunk`` companies each, numbered after the chunks already
on the topic); a company any chunk lists counts as published.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import Consumer, KafkaException, TopicPartition

from bcx.bigcommerce.models.b2b import Company as BcCompany
from bcx.contracts.commerce_accounts import Company, ExtraField, PriceListAssign
from bcx.contracts.commerce_schedules import (
    MONTHLY_STATEMENT,
    TOPIC,
    ScheduleRequestRecord,
    request_id,
    schedule_key,
)
from bcx.kafka.errors import KafkaError
from bcx.logging import get_logger
from consumers.account_statements.period import Period

log = get_logger(__name__)


@dataclass
class PlanReport:
    published: int = 0
    already: int = 0
    companies: int = 0
    versions: dict[int, int] = field(default_factory=dict)
    chunks: int = 0


def company_record(company: BcCompany) -> Company:
    """The B2B client's company as the contract's record."""
    return Company(
        company_id=company.company_id,
        company_name=company.company_name,
        company_email=company.company_email,
        company_phone=company.company_phone,
        company_status=company.company_status,
        bc_group_id=company.bc_group_id,
        bc_group_name=company.bc_group_name,
        catalog_id=company.catalog_id or None,
        price_list_assign=[
            PriceListAssign(
                channel_id=p.channel_id, price_list_id=p.price_list_id, price_list_name=p.price_list_name
            )
            for p in company.price_list_assign
        ],
        extra_fields=[
            ExtraField(field_name=f.field_name, field_value=f.field_value) for f in company.extra_fields
        ],
        uuid=company.uuid,
        created_at=company.created_at,
        updated_at=company.updated_at,
    )


def published_versions(
    client_config: dict[str, Any],
    decode: Callable[[bytes], ScheduleRequestRecord],
    store_hash: str,
    period: Period,
    *,
    topic: str = TOPIC,
    timeout_s: float = 30.0,
) -> dict[str, int]:
    """Key → highest version already on the topic for ``store_hash`` and ``period`` (read to its end)."""
    consumer = Consumer(
        {
            **client_config,
            "group.id": f"bcx-statements-planner-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
        }
    )
    prefix, suffix = f"{store_hash}:".encode(), f":{period}".encode()
    versions: dict[str, int] = {}
    try:
        described = consumer.list_topics(topic, timeout=timeout_s).topics.get(topic)
        if described is None or described.error is not None:
            raise KafkaError(f"no topic {topic} (run bcx topics apply)")
        ends: dict[int, int] = {}
        for partition in described.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=timeout_s)
            if high > low:
                ends[partition] = high
        consumer.assign([TopicPartition(topic, p, 0) for p in ends])
        done = {p: False for p in ends}
        deadline = time.monotonic() + timeout_s
        while not all(done.values()):
            if time.monotonic() > deadline:
                # a partial read could publish duplicates: refuse instead
                raise KafkaError(f"could not read {topic} to its end in {timeout_s:.0f}s", retriable=True)
            for msg in consumer.consume(1000, 0.5):
                if msg.error() is not None:
                    continue
                partition, offset = msg.partition() or 0, msg.offset() or 0
                if offset + 1 >= ends[partition]:
                    done[partition] = True
                key, value = msg.key() or b"", msg.value()
                if value is None or not key.startswith(prefix) or not key.endswith(suffix):
                    continue
                record = decode(value)
                if record.schedule == MONTHLY_STATEMENT:  # the topic is shared with other schedules
                    versions[key.decode()] = max(versions.get(key.decode(), 0), record.version)
                    for company in record.companies:  # a chunk covers each of its companies
                        covered = schedule_key(store_hash, str(company.company_id), str(period))
                        versions[covered] = max(versions.get(covered, 0), record.version)
            # transaction markers can end a partition without a record at its last offset
            for p in ends:
                if not done[p]:
                    position = consumer.position([TopicPartition(topic, p)])[0].offset
                    done[p] = position >= ends[p]
    except KafkaException as exc:
        raise KafkaError(f"cannot read {topic}: {exc}", retriable=True) from exc
    finally:
        consumer.close()
    return versions


async def plan(
    companies: AsyncIterator[BcCompany],
    versions: dict[str, int],
    publish: Callable[[str, ScheduleRequestRecord], None],
    *,
    store_hash: str,
    period: Period,
    reissue: bool,
    requested_by: str,
    batch_threshold: int | None = None,
    chunk_size: int = 500,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PlanReport:
    """Publish (through ``publish``) a request for each listed company the topic does not hold yet, or
    for each company as ``version + 1`` when ``reissue``; more than ``batch_threshold`` of them are
    published as chunk requests of ``chunk_size`` companies instead (one batch job each)."""
    report = PlanReport()
    due: list[tuple[BcCompany, int]] = []
    async for company in companies:
        report.companies += 1
        key = schedule_key(store_hash, str(company.company_id), str(period))
        known = versions.get(key, 0)
        if known and not reissue:
            report.already += 1
            continue
        due.append((company, known + 1))
    requested_at = now()
    if batch_threshold is not None and len(due) > batch_threshold:
        _publish_chunks(
            due, versions, publish, store_hash, period, requested_at, requested_by, chunk_size, report
        )
        due = []
    for company, version in due:
        subject = str(company.company_id)
        record = ScheduleRequestRecord(
            request_id=request_id(store_hash, subject, str(period), version),
            schedule=MONTHLY_STATEMENT,
            store_hash=store_hash,
            subject_type="company",
            subject_id=subject,
            period=str(period),
            version=version,
            requested_at=requested_at,
            requested_by=requested_by,
            run_size=len(due),
            company=company_record(company),
        )
        publish(record.key, record)
        report.published += 1
        report.versions[version] = report.versions.get(version, 0) + 1
    log.info(
        "statements.planned",
        chunks=report.chunks,
        store_hash=store_hash,
        period=str(period),
        companies=report.companies,
        published=report.published,
        already=report.already,
        reissue=reissue,
    )
    return report


def _publish_chunks(
    due: list[tuple[BcCompany, int]],
    versions: dict[str, int],
    publish: Callable[[str, ScheduleRequestRecord], None],
    store_hash: str,
    period: Period,
    requested_at: datetime,
    requested_by: str,
    chunk_size: int,
    report: PlanReport,
) -> None:
    """One request per ``chunk_size`` due companies of one version, numbered after the chunks already on
    the topic: a re-run chunks only the companies no earlier chunk or request covers, so none is lost
    when the company list changed in between, and none is published twice."""
    prefix, suffix = f"{store_hash}:chunk-", f":{period}"
    taken = [
        int(k[len(prefix) : -len(suffix)])
        for k in versions
        if k.startswith(prefix) and k.endswith(suffix) and k[len(prefix) : -len(suffix)].isdigit()
    ]
    number = max(taken, default=0)
    by_version: dict[int, list[BcCompany]] = {}
    for company, version in due:
        by_version.setdefault(version, []).append(company)
    for version, companies in sorted(by_version.items()):
        for start in range(0, len(companies), max(1, chunk_size)):
            number += 1
            part = companies[start : start + max(1, chunk_size)]
            subject = f"chunk-{number}"
            record = ScheduleRequestRecord(
                request_id=request_id(store_hash, subject, str(period), version),
                schedule=MONTHLY_STATEMENT,
                store_hash=store_hash,
                subject_type="chunk",
                subject_id=subject,
                period=str(period),
                version=version,
                requested_at=requested_at,
                requested_by=requested_by,
                run_size=len(due),
                companies=[company_record(c) for c in part],
            )
            publish(record.key, record)
            report.chunks += 1
            report.published += len(part)
            report.versions[version] = report.versions.get(version, 0) + len(part)
