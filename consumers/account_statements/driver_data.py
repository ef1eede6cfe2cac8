"""Driver data of the three account documents: monthly statement, account summary, aging notice. Pure.

Every amount and date goes through the documents kit's :class:`~consumers.documents.presenter.Presenter`
of its own currency (a company may be invoiced in several: one ``accounts`` entry per currency) and the
reader's locale, dates in the store's timezone. The aging notice's ``escalation`` follows the oldest
past-due bucket, so the template's wording escalates: reminder (1–30), warning (31–60), final notice
(61–90), collection (90+).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from bcx.bigcommerce.models import StoreInformation
from bcx.bigcommerce.models.b2b import CompanyCredit, Invoice, PaymentTerms
from bcx.contracts.commerce_accounts import Company
from consumers.account_statements.period import Period
from consumers.account_statements.statement import BUCKETS, Account, CompanyAccount, bucket_of
from consumers.documents.dates import store_zone
from consumers.documents.presenter import Presenter
from consumers.documents.sections import store_section

ESCALATION = {"1-30": "reminder", "31-60": "warning", "61-90": "final", "90+": "collection"}


@dataclass(frozen=True)
class StatementInput:
    document_type: str
    locale: str
    channels: tuple[str, ...]
    reference: str
    edition: str
    period: Period
    store: StoreInformation
    company: Company
    account: CompanyAccount
    credit: CompanyCredit | None
    terms: PaymentTerms | None
    summary_period: str | None = None


def _invoice(p: Presenter, invoice: Invoice, amount: str = "original") -> dict[str, Any]:
    value = invoice.original_balance.value if amount == "original" else invoice.open_balance.value
    return {
        "id": invoice.id,
        "number": invoice.invoice_number,
        "type": invoice.type,
        "orderNumber": invoice.order_number,
        "purchaseOrder": invoice.purchase_order_number,
        "issued": p.date(invoice.created_at),
        "due": p.date(invoice.due_date),
        "amount": p.money(abs(value)),
    }


def _account(p: Presenter, account: Account, *, lines: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "currency": account.currency,
        "opening": p.money(account.opening),
        "invoiced": p.money(account.invoiced),
        "credits": p.negative(account.credits),
        "payments": p.negative(account.payments),
        "closing": p.money(account.closing),
        "pastDue": p.money(account.past_due),
        "aging": [{"bucket": b, "amount": p.money(account.aging[b])} for b in BUCKETS],
    }
    if lines:
        out["invoices"] = [_invoice(p, i) for i in account.issued]
        out["creditNotes"] = [_invoice(p, i) for i in account.credit_notes]
        out["paymentsReceived"] = [
            {
                "reference": r.reference_number,
                "method": r.payment_type,
                "received": p.date(r.created_at),
                "amount": p.money(r.total.value),
            }
            for r in account.received
        ]
        out["openItems"] = [
            {**_invoice(p, o.invoice, "open"), "daysPastDue": max(o.days_past_due, 0), "bucket": o.bucket}
            for o in account.open_items
        ]
    return out


def build_driver_data(request: StatementInput) -> dict[str, Any]:
    zone = store_zone(request.store.timezone)
    first = Presenter(request.store.currency.upper(), request.locale, zone)
    start = datetime.combine(request.period.first_day, time(12), zone)
    as_of = datetime.combine(request.period.last_day, time(12), zone)
    company = request.company
    data: dict[str, Any] = {
        "documentType": request.document_type,
        "reference": request.reference,
        "locale": request.locale,
        "channels": list(request.channels),
        "edition": request.edition,
        "store": store_section(request.store),
        "company": {
            "id": company.company_id,
            "name": company.company_name,
            "email": company.company_email,
            "phone": company.company_phone,
            "group": company.bc_group_name,
        },
        "period": {"id": str(request.period), "from": first.date(start), "to": first.date(as_of)},
        "paymentTerms": (
            {"enabled": request.terms.is_enabled, "netDays": request.terms.payment_terms}
            if request.terms is not None
            else None
        ),
        "credit": _credit(request.credit, request.locale, zone),
    }
    detailed = request.document_type != "account_summary"
    data["accounts"] = [
        _account(Presenter(a.currency, request.locale, zone), a, lines=detailed)
        for a in request.account.accounts
    ]
    if request.document_type == "account_summary":
        data["summaryPeriod"] = request.summary_period
    if request.document_type == "aging_notice":
        oldest = request.account.oldest_past_due_days
        data["aging"] = {
            "oldestDaysPastDue": oldest,
            "worstBucket": bucket_of(oldest),
            "escalation": ESCALATION.get(bucket_of(oldest), "none"),
            "pastDueInvoices": len(request.account.past_due_items),
        }
    return data


def _credit(credit: CompanyCredit | None, locale: str, zone: Any) -> dict[str, Any] | None:
    if credit is None or not credit.credit_enabled:
        return None
    p = Presenter((credit.credit_currency or "USD").upper(), locale, zone)
    return {
        "available": p.money(credit.available_credit),
        "hold": credit.credit_hold,
        "limitPurchases": credit.limit_purchases,
    }
