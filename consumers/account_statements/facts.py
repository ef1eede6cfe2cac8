"""Routing facts of one company's statement request: who (segment, status, locale), which period and
edition, and the currency-free state of the account that rules test thresholds on. Pure."""

from __future__ import annotations

from bcx.contracts.commerce_accounts import Company
from bcx.contracts.commerce_schedules import ScheduleRequestRecord
from consumers.account_statements.period import SUMMARY_FIELD, SUMMARY_TERMS, Period, edition
from consumers.account_statements.statement import CompanyAccount, bucket_of
from routing import CustomerFacts, EventFacts, RoutingFacts, ScheduleFacts, StatementFacts

USE_CASE = "account_statements"


def extra_field(company: Company, name: str) -> str | None:
    value = next((f.field_value for f in company.extra_fields if f.field_name == name), None)
    return value.strip() if value and value.strip() else None


def summary_term(company: Company, default: str) -> str:
    """The company's contract term for account summaries (its ``statementSummary`` extra field)."""
    term = (extra_field(company, SUMMARY_FIELD) or default).lower()
    return term if term in SUMMARY_TERMS else default


def segments(company: Company) -> frozenset[str]:
    """The customer group's name and the company's ``segment`` extra field, lower case."""
    names = {company.bc_group_name.strip().lower(), (extra_field(company, "segment") or "").lower()}
    return frozenset(n for n in names if n)


def statement_facts(
    request: ScheduleRequestRecord,
    company: Company,
    account: CompanyAccount,
    *,
    terms_days: int | None,
    default_summary: str,
) -> RoutingFacts:
    period = Period.parse(request.period)
    oldest = account.oldest_past_due_days
    return RoutingFacts(
        use_case=USE_CASE,
        store_hash=request.store_hash,
        entity_type="company",
        entity_id=str(company.company_id),
        event=EventFacts(
            scope=f"bcx/schedule/{request.schedule}",
            event_id=request.request_id,
            occurred_at=request.requested_at,
        ),
        customer=CustomerFacts(
            is_b2b=True,
            company_id=company.company_id,
            company_status=company.company_status,
            group_id=company.bc_group_id,
            group_name=company.bc_group_name or None,
            segments=segments(company),
            locale=extra_field(company, "locale"),
            has_email=bool(company.company_email),
            has_portal_account=True,
        ),
        schedule=ScheduleFacts(name=request.schedule, period=request.period),
        statement=StatementFacts(
            period=request.period,
            edition=edition(request.period, request.version),
            has_activity=account.has_activity,
            has_open_balance=account.has_open_balance,
            past_due_invoices=len(account.past_due_items),
            oldest_past_due_days=oldest,
            worst_bucket=bucket_of(oldest),
            summary_period=period.summary_period(summary_term(company, default_summary)),
            payment_terms_days=terms_days,
        ),
    )
