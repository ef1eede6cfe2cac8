"""The planner's idempotency per company and period, and deliberate reissues."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from bcx.bigcommerce.models.b2b import Company
from bcx.contracts.commerce_schedules import ScheduleRequestRecord
from consumers.account_statements.period import Period
from consumers.account_statements.plan import PlanReport, plan


async def listed(ids: list[int]) -> AsyncIterator[Company]:
    for cid in ids:
        yield Company.model_validate({"companyId": cid, "companyName": f"C{cid}", "companyStatus": "1"})


def run(versions: dict[str, int], *, reissue: bool = False) -> tuple[PlanReport, list[ScheduleRequestRecord]]:
    sent: list[ScheduleRequestRecord] = []
    report = asyncio.run(
        plan(
            listed([1, 2, 3]),
            versions,
            lambda key, record: sent.append(record),
            store_hash="s1",
            period=Period.parse("2026-11"),
            reissue=reissue,
            requested_by="manual",
            now=lambda: datetime(2026, 12, 1, tzinfo=UTC),
        )
    )
    return report, sent


class TestPlan:
    def test_first_run_publishes_one_request_per_company(self) -> None:
        """Three approved companies: three version-1 requests keyed store:company:period, run size 3."""
        report, sent = run({})
        assert [(r.key, r.version, r.run_size) for r in sent] == [
            ("s1:1:2026-11", 1, 3),
            ("s1:2:2026-11", 1, 3),
            ("s1:3:2026-11", 1, 3),
        ]
        assert report.published == 3

    def test_rerun_publishes_only_what_is_missing(self) -> None:
        """Companies 1 and 2 already have a request for the period: only company 3 is published."""
        report, sent = run({"s1:1:2026-11": 1, "s1:2:2026-11": 1})
        assert [r.key for r in sent] == ["s1:3:2026-11"]
        assert (report.published, report.already) == (1, 2)

    def test_reissue_publishes_the_next_version_of_every_company(self) -> None:
        """--reissue: every company again, one version above what the topic holds."""
        _, sent = run({"s1:1:2026-11": 2, "s1:2:2026-11": 1}, reissue=True)
        assert [(r.subject_id, r.version, r.request_id) for r in sent] == [
            ("1", 3, "s1:1:2026-11:v3"),
            ("2", 2, "s1:2:2026-11:v2"),
            ("3", 1, "s1:3:2026-11:v1"),
        ]


def run_chunked(ids: list[int], versions: dict[str, int]) -> tuple[PlanReport, list[ScheduleRequestRecord]]:
    sent: list[ScheduleRequestRecord] = []
    report = asyncio.run(
        plan(
            listed(ids),
            versions,
            lambda key, record: sent.append(record),
            store_hash="s1",
            period=Period.parse("2026-11"),
            reissue=False,
            requested_by="manual",
            batch_threshold=2,
            chunk_size=2,
            now=lambda: datetime(2026, 12, 1, tzinfo=UTC),
        )
    )
    return report, sent


class TestChunkedPlan:
    def test_a_run_above_the_threshold_is_published_as_chunks(self) -> None:
        """Five companies, threshold 2, chunks of 2: three chunk requests keyed store:chunk-n:period."""
        report, sent = run_chunked([1, 2, 3, 4, 5], {})
        assert [(r.key, r.subject_type, [c.company_id for c in r.companies]) for r in sent] == [
            ("s1:chunk-1:2026-11", "chunk", [1, 2]),
            ("s1:chunk-2:2026-11", "chunk", [3, 4]),
            ("s1:chunk-3:2026-11", "chunk", [5]),
        ]
        assert (report.published, report.chunks) == (5, 3)
        assert all(r.company is None and r.run_size == 5 for r in sent)

    def test_a_rerun_chunks_only_uncovered_companies_after_the_last_chunk(self) -> None:
        """Companies covered by chunk 1 are skipped; the rest become chunk 2 onwards, never chunk 1 again."""
        covered = {"s1:chunk-1:2026-11": 1, "s1:1:2026-11": 1, "s1:2:2026-11": 1}
        report, sent = run_chunked([1, 2, 3, 4, 5], covered)
        assert [(r.key, [c.company_id for c in r.companies]) for r in sent] == [
            ("s1:chunk-2:2026-11", [3, 4]),
            ("s1:chunk-3:2026-11", [5]),
        ]
        assert report.already == 2

    def test_a_run_at_the_threshold_stays_per_company(self) -> None:
        """Two companies with threshold 2: one request each, no chunk."""
        report, sent = run_chunked([1, 2], {})
        assert [r.key for r in sent] == ["s1:1:2026-11", "s1:2:2026-11"]
        assert report.chunks == 0
