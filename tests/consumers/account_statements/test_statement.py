"""The account arithmetic and aging against the hand-computed fixture (see fixture.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bcx.bigcommerce.models.b2b import Invoice, Receipt
from consumers.account_statements.period import Period, edition
from consumers.account_statements.statement import bucket_of, company_account
from tests.consumers.account_statements.fixture import (
    EXPECTED_AGING,
    EXPECTED_OLDEST_DAYS,
    EXPECTED_USD,
    PERIOD,
    fixture_invoices,
)

CHICAGO = ZoneInfo("America/Chicago")


def as_invoices(rows: list[dict[str, Any]]) -> list[Invoice]:
    return [
        Invoice.model_validate(
            {**row, "id": n, "createdAt": row["issuedAt"], "type": row.get("type", "Invoice")}
        )
        for n, row in enumerate(rows, start=1)
    ]


class TestAging:
    def test_buckets_match_the_hand_computed_fixture(self) -> None:
        """Each currency's aging buckets equal the fixture's, computed by hand in the store's timezone."""
        account = company_account(as_invoices(fixture_invoices(7)), [], Period.parse(PERIOD), CHICAGO)
        got = {a.currency: {b: f"{v:.2f}" for b, v in a.aging.items()} for a in account.accounts}
        assert got == EXPECTED_AGING
        assert account.oldest_past_due_days == EXPECTED_OLDEST_DAYS

    def test_balances_roll_forward(self) -> None:
        """USD opening, invoiced, credits, payments and closing equal the fixture's hand-computed values."""
        account = company_account(as_invoices(fixture_invoices(7)), [], Period.parse(PERIOD), CHICAGO)
        usd = next(a for a in account.accounts if a.currency == "USD")
        got = {
            "opening": usd.opening,
            "invoiced": usd.invoiced,
            "credits": usd.credits,
            "payments": usd.payments,
            "closing": usd.closing,
        }
        assert {k: f"{v:.2f}" for k, v in got.items()} == EXPECTED_USD

    def test_the_store_timezone_decides_the_day(self) -> None:
        """Invoice C is due 31 days before the period end in Chicago, 30 in UTC: 31-60 vs 1-30."""
        rows = [r for r in fixture_invoices(7) if r["invoiceNumber"] == "FIX-C"]
        chicago = company_account(as_invoices(rows), [], Period.parse(PERIOD), CHICAGO)
        utc = company_account(as_invoices(rows), [], Period.parse(PERIOD), UTC)
        assert (chicago.oldest_past_due_days, utc.oldest_past_due_days) == (31, 30)

    def test_bucket_edges(self) -> None:
        """0 is current, 30 the last of 1-30, 60 of 31-60, 90 of 61-90, 91 is 90+."""
        assert [bucket_of(d) for d in (-3, 0, 1, 30, 31, 60, 61, 90, 91)] == [
            "current",
            "current",
            "1-30",
            "1-30",
            "31-60",
            "31-60",
            "61-90",
            "61-90",
            "90+",
        ]


class TestMovements:
    def test_receipts_in_the_period_are_payments_in_their_currency(self) -> None:
        """A receipt in December counts as a EUR payment; one in November does not count at all."""
        receipts = [
            Receipt.model_validate(
                {"id": i, "customerId": "7", "total": {"code": "EUR", "value": v}, "createdAt": t}
            )
            for i, v, t in ((1, "120.0000", "1765000000"), (2, "99.00", "1762000000"))
        ]
        account = company_account([], receipts, Period.parse(PERIOD), CHICAGO)
        (eur,) = account.accounts
        assert (eur.currency, eur.payments, eur.has_activity) == ("EUR", Decimal("120.0000"), True)
        assert datetime.fromtimestamp(1765000000, UTC).month == 12

    def test_a_company_with_nothing_has_no_account(self) -> None:
        """No invoices and no receipts: no currency, no activity, no open balance."""
        account = company_account([], [], Period.parse(PERIOD), CHICAGO)
        assert (account.accounts, account.has_activity, account.has_open_balance) == ((), False, False)


class TestPeriod:
    def test_summary_terms(self) -> None:
        """Quarterly summaries close in March/June/September/December, annual ones in December."""
        assert Period.parse("2026-12").summary_period("quarterly") == "2026-Q4"
        assert Period.parse("2026-11").summary_period("quarterly") is None
        assert Period.parse("2026-11").summary_period("monthly") == "2026-11"
        assert Period.parse("2026-12").summary_period("annual") == "2026"

    def test_editions(self) -> None:
        """Version 1 is the period itself; a reissue is a new edition."""
        assert (edition("2026-11", 1), edition("2026-11", 2)) == ("2026-11", "2026-11-r2")
