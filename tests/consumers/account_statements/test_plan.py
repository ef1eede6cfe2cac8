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
