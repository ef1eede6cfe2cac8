"""The store index: one load per store and period for concurrent records, grouped by company; a failed
load is not cached; an old one is read again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, cast

import pytest

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.errors import ServerError
from bcx.bigcommerce.models import StoreInformation
from bcx.bigcommerce.models.b2b import Invoice, Receipt
from consumers.account_statements.gather import PeriodData
from consumers.account_statements.period import Period


def invoice(number: int, company: str, status: int) -> Invoice:
    amount = {"code": "USD", "value": "10"}
    return Invoice.model_validate(
        {
            "id": number,
            "customerId": company,
            "status": status,
            "originalBalance": amount,
            "openBalance": amount,
        }
    )


class FakeB2b:
    def __init__(self, fail_first: bool = False) -> None:
        self.loads = 0
        self.fail_first = fail_first

    async def get_store_information(self, store_hash: str) -> StoreInformation:
        self.loads += 1
        await asyncio.sleep(0)
        if self.fail_first and self.loads == 1:
            raise ServerError("503")
        return StoreInformation(id=store_hash)

    async def list_store_invoices(self, store_hash: str, **filters: Any) -> AsyncIterator[Invoice]:
        status = filters.get("status")
        for found in (invoice(1, "7", 0), invoice(2, "8", 1), invoice(3, "7", 2)):
            if status is None or found.status == status:
                yield found

    async def list_receipts_since(self, store_hash: str, since: datetime) -> list[Receipt]:
        total = {"code": "USD", "value": "5"}
        return [Receipt.model_validate({"id": 9, "customerId": "8", "total": total})]


def source(fake: FakeB2b, clock: list[float] | None = None) -> PeriodData:
    now = clock or [0.0]
    return PeriodData(cast(BigCommerceClient, fake), credit_and_terms=False, clock=lambda: now[0])


class TestPeriodData:
    def test_concurrent_records_share_one_load_grouped_by_company(self) -> None:
        """Ten companies' records at once: the store is read once; each gets its invoices and receipts."""
        fake = FakeB2b()
        data = source(fake)

        async def run() -> list[Any]:
            return await asyncio.gather(*(data.company("s", Period.parse("2026-11"), c) for c in (7, 8) * 5))

        found = asyncio.run(run())
        assert fake.loads == 1
        assert [i.id for i in found[0].invoices] == [1, 3]
        assert ([i.id for i in found[1].invoices], [r.id for r in found[1].receipts]) == ([2], [9])

    def test_a_failed_load_is_retried_and_an_old_one_reread(self) -> None:
        """The first load fails (the record retries); the next one loads; after max_age_s it loads again."""
        fake, clock = FakeB2b(fail_first=True), [0.0]
        data = source(fake, clock)
        period = Period.parse("2026-11")
        with pytest.raises(ServerError):
            asyncio.run(data.company("s", period, 7))
        asyncio.run(data.company("s", period, 7))
        clock[0] = 4000.0
        asyncio.run(data.company("s", period, 7))
        assert fake.loads == 3
