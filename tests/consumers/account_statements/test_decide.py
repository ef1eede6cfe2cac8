"""Which documents the shipped rules make for a company's period, and their driver data."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bcx.bigcommerce.models import StoreInformation
from bcx.contracts.commerce_accounts import Company, ExtraField
from bcx.contracts.commerce_schedules import ScheduleRequestRecord, request_id
from consumers.account_statements.driver_data import StatementInput, build_driver_data
from consumers.account_statements.facts import statement_facts
from consumers.account_statements.gather import CompanyData
from consumers.account_statements.period import Period
from consumers.account_statements.processor import AccountStatementsProcessor
from consumers.account_statements.settings import AccountStatementsConfig
from consumers.account_statements.statement import CompanyAccount, company_account
from consumers.documents.due import decide, due_documents
from consumers.registry import use_case_names
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext, SourceRecord
from routing import default_rules_path, load_rules
from tests.consumers.account_statements.fixture import PERIOD, fixture_invoices
from tests.consumers.account_statements.test_statement import as_invoices

RULES = load_rules(default_rules_path(), use_cases=use_case_names())
CHICAGO = ZoneInfo("America/Chicago")


def company(status: int = 1, **extra: str) -> Company:
    return Company(
        company_id=7,
        company_name="Acme Supply 7",
        company_email="ap@example.com",
        company_status=status,
        bc_group_name="Wholesale",
        extra_fields=[ExtraField(field_name=k, field_value=v) for k, v in extra.items()],
    )


def request(period: str = PERIOD, version: int = 1, who: Company | None = None) -> ScheduleRequestRecord:
    return ScheduleRequestRecord(
        request_id=request_id("store1", "7", period, version),
        schedule="monthly_statement",
        store_hash="store1",
        subject_type="company",
        subject_id="7",
        period=period,
        version=version,
        requested_at=datetime(2026, 1, 1, tzinfo=UTC),
        company=who or company(),
    )


def due(account: CompanyAccount, req: ScheduleRequestRecord | None = None) -> dict[str, str]:
    req = req or request()
    assert req.company is not None
    facts = statement_facts(req, req.company, account, terms_days=30, default_summary="quarterly")
    return {
        d.document_type: d.idempotency_key or ""
        for d in due_documents(decide(RULES, [facts], is_sent=lambda _: False))
    }


def account(rows: list[dict[str, Any]], period: str = PERIOD) -> CompanyAccount:
    return company_account(as_invoices(rows), [], Period.parse(period), CHICAGO)


class TestDocuments:
    def test_fixture_company_gets_statement_summary_and_aging_notice(self) -> None:
        """December closes the quarter; past-due invoices call for the aging notice; keys name the edition."""
        keys = due(account(fixture_invoices(7)))
        assert keys == {
            "account_statement": "account_statements:store1:company:7:account_statement:2025-12",
            "account_summary": "account_statements:store1:company:7:account_summary:2025-Q4",
            "aging_notice": "account_statements:store1:company:7:aging_notice:2025-12",
        }

    def test_nothing_past_due_means_no_aging_notice(self) -> None:
        """Only a current invoice: a statement, and no aging notice (November closes no quarter)."""
        rows = [r for r in fixture_invoices(7) if r["invoiceNumber"] == "FIX-A"]
        assert set(
            due(account(rows, "2025-12"), request("2025-12", who=company(statementSummary="annual")))
        ) == {
            "account_statement",
            "account_summary",
        }
        assert set(due(account([], "2025-11"), request("2025-11"))) == set()

    def test_reissue_is_a_new_edition(self) -> None:
        """Version 2 of the period gets new keys for the statement and the notice (the summary keeps its)."""
        keys = due(account(fixture_invoices(7)), request(version=2))
        assert keys["account_statement"].endswith(":account_statement:2025-12-r2")
        assert keys["aging_notice"].endswith(":aging_notice:2025-12-r2")

    def test_inactive_companies_get_nothing(self) -> None:
        """Rejected or inactive companies are suppressed (category statement)."""
        assert due(account(fixture_invoices(7)), request(who=company(status=3))) == {}


class _Source:
    async def company(self, store_hash: str, period: Period, company_id: int) -> CompanyData:
        store = StoreInformation(id=store_hash)
        return CompanyData(store, tuple(as_invoices(fixture_invoices(company_id))), (), None, None)


class _Step:
    def __init__(self) -> None:
        self.requests: list[DocumentRequest] = []

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        self.requests.append(request)
        return DocumentOutcome(skipped=False, entry=None)


class TestProcessor:
    def test_each_request_carries_the_decisions_explanation(self) -> None:
        """Every document request names the rule that asked for it, so the result says why it was sent."""
        step = _Step()
        processor = AccountStatementsProcessor(
            rules=RULES,
            step=step,
            source=_Source(),
            config=AccountStatementsConfig(),
            is_sent=lambda _key: False,
        )
        ctx = RecordContext(
            SourceRecord("commerce.schedules.v1", 0, 1, b"k", b"v"), 1, "bcx-account-statements"
        )
        asyncio.run(processor.process(request(), ctx))
        explained = {r.decision.document_type: r.explanation for r in step.requests}
        assert set(explained) == {"account_statement", "account_summary", "aging_notice"}
        notice = explained["aging_notice"]
        assert notice is not None
        assert notice.rules == ["aging-notice"]
        assert "rule aging-notice matched" in notice.reason


class TestDriverData:
    def test_aging_notice_escalates_by_the_oldest_bucket(self) -> None:
        """The oldest invoice is 91 days past due: collection wording; amounts in each currency."""
        acct = account(fixture_invoices(7))
        store = StoreInformation.model_validate(
            {"id": "store1", "name": "S", "currency": "USD", "timezone": {"name": "America/Chicago"}}
        )
        data = build_driver_data(
            StatementInput(
                document_type="aging_notice",
                locale="en",
                channels=("email",),
                reference="k",
                edition=PERIOD,
                period=Period.parse(PERIOD),
                store=store,
                company=company(),
                account=acct,
                credit=None,
                terms=None,
            )
        )
        assert data["aging"]["escalation"] == "collection"
        usd = next(a for a in data["accounts"] if a["currency"] == "USD")
        assert usd["aging"][4] == {
            "bucket": "90+",
            "amount": {
                "amount": "1200.00",
                "currency": "USD",
                "formatted": "$1,200.00",
                "formattedCode": "USD\xa01,200.00",
            },
        }
        assert usd["openItems"][0]["daysPastDue"] == 91
