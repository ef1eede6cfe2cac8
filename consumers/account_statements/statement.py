"""A company's account for one period, per currency, from its invoice-portal invoices and receipts. Pure.

- **invoiced**: invoices created in the period (``type`` not a credit); **credits**: credit memos created
  in the period (a ``type`` containing "credit", or a negative original balance), as positive amounts;
  **payments**: receipts created in the period.
- **closing**: the open balance of every open or partially paid invoice created before the period's end,
  as the invoice portal reports it at the run (statements run just after the period closes);
  **opening** follows from the roll-forward ``opening = closing − invoiced + credits + payments``.
- **aging**: each open invoice's days past due = the period's last day − its due date, both in the store's
  timezone; buckets current (≤ 0), 1–30, 31–60, 61–90, 90+.

Money stays :class:`~decimal.Decimal` in each invoice's own currency; currencies are never summed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal

from bcx.bigcommerce.models.b2b import Invoice, Receipt
from consumers.account_statements.period import Period

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
OPEN_STATUSES = (0, 1)


def bucket_of(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "1-30"
    if days_past_due <= 60:
        return "31-60"
    if days_past_due <= 90:
        return "61-90"
    return "90+"


def is_credit(invoice: Invoice) -> bool:
    return "credit" in invoice.type.lower() or invoice.original_balance.value < 0


@dataclass(frozen=True)
class OpenItem:
    invoice: Invoice
    days_past_due: int

    @property
    def bucket(self) -> str:
        return bucket_of(self.days_past_due)


@dataclass
class Account:
    """One currency's movements, balances and aging for the period."""

    currency: str
    invoiced: Decimal = Decimal(0)
    credits: Decimal = Decimal(0)
    payments: Decimal = Decimal(0)
    closing: Decimal = Decimal(0)
    aging: dict[str, Decimal] = field(default_factory=lambda: {b: Decimal(0) for b in BUCKETS})
    issued: list[Invoice] = field(default_factory=list)
    credit_notes: list[Invoice] = field(default_factory=list)
    received: list[Receipt] = field(default_factory=list)
    open_items: list[OpenItem] = field(default_factory=list)

    @property
    def opening(self) -> Decimal:
        return self.closing - self.invoiced + self.credits + self.payments

    @property
    def past_due(self) -> Decimal:
        return sum((v for b, v in self.aging.items() if b != "current"), Decimal(0))

    @property
    def has_activity(self) -> bool:
        return bool(self.issued or self.credit_notes or self.received)


@dataclass(frozen=True)
class CompanyAccount:
    """Every currency's account of one company, in currency order."""

    accounts: tuple[Account, ...]

    @property
    def has_activity(self) -> bool:
        return any(a.has_activity for a in self.accounts)

    @property
    def has_open_balance(self) -> bool:
        return any(a.closing > 0 for a in self.accounts)

    @property
    def past_due_items(self) -> list[OpenItem]:
        return [i for a in self.accounts for i in a.open_items if i.days_past_due > 0]

    @property
    def oldest_past_due_days(self) -> int:
        return max((i.days_past_due for i in self.past_due_items), default=0)


def _in(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def company_account(
    invoices: Iterable[Invoice], receipts: Iterable[Receipt], period: Period, zone: tzinfo
) -> CompanyAccount:
    """The company's account for ``period`` (see the module), from its invoices (open ones and those created
    in the period, each once) and its receipts."""
    start, end = period.bounds(zone)
    as_of = period.last_day
    accounts: dict[str, Account] = {}

    def account(code: str) -> Account:
        return accounts.setdefault(code.upper(), Account(code.upper()))

    for invoice in {i.id: i for i in invoices}.values():
        currency = account(invoice.original_balance.code)
        if _in(invoice.created_at, start, end):
            if is_credit(invoice):
                currency.credits += abs(invoice.original_balance.value)
                currency.credit_notes.append(invoice)
            else:
                currency.invoiced += invoice.original_balance.value
                currency.issued.append(invoice)
        created_before_end = invoice.created_at is None or invoice.created_at < end
        if invoice.status in OPEN_STATUSES and created_before_end and invoice.open_balance.value > 0:
            currency.closing += invoice.open_balance.value
            due = invoice.due_date.astimezone(zone).date() if invoice.due_date is not None else as_of
            item = OpenItem(invoice, (as_of - due).days)
            currency.aging[item.bucket] += invoice.open_balance.value
            currency.open_items.append(item)
    for receipt in receipts:
        if _in(receipt.created_at, start, end):
            currency = account(receipt.total.code)
            currency.payments += receipt.total.value
            currency.received.append(receipt)
    for currency in accounts.values():
        currency.issued.sort(key=lambda i: (i.created_at or start, i.id))
        currency.credit_notes.sort(key=lambda i: (i.created_at or start, i.id))
        currency.received.sort(key=lambda r: (r.created_at or start, r.id))
        currency.open_items.sort(key=lambda o: (-o.days_past_due, o.invoice.id))
    kept = [a for a in accounts.values() if a.has_activity or a.closing != 0]
    return CompanyAccount(tuple(sorted(kept, key=lambda a: a.currency)))
