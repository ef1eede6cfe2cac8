"""``commerce.accounts.v1``: a B2B Edition company with credit, payment terms, open invoices and users.

``credit`` is null when the store's credit feature is disabled. ``invoices`` are the open and partially
paid ones (status 0/1); ``customer_id`` of an invoice is the company id. Company status: 0 pending,
1 approved, 2 rejected, 3 inactive. ``users`` are the company's buyers (B2B Edition Users API; Super Admins
are not listed): role 0 admin, 1 senior buyer, 2 junior buyer; ``customer_id`` is their BigCommerce customer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis
from bcx.contracts.commerce_common import DecimalText, SnapshotEnvelope

TOPIC = "commerce.accounts.v1"
ENTITY_TYPE = "company"


class ExtraField(Record):
    field_name: str
    field_value: str | None = None


class PriceListAssign(Record):
    channel_id: int | None = None
    price_list_id: int | None = None
    price_list_name: str = ""


class Company(Record):
    company_id: int
    company_name: str
    company_email: str = ""
    company_phone: str = ""
    company_status: int = 1
    bc_group_id: int | None = None
    bc_group_name: str = ""
    catalog_id: str | None = None
    price_list_assign: list[PriceListAssign] = Field(default_factory=list)
    extra_fields: list[ExtraField] = Field(default_factory=list)
    uuid: str | None = None
    created_at: UtcMillis | None = None
    updated_at: UtcMillis | None = None


class CompanyCredit(Record):
    credit_enabled: bool = False
    credit_currency: str = ""
    available_credit: DecimalText = Decimal(0)
    limit_purchases: bool = False
    credit_hold: bool = False


class PaymentTerms(Record):
    is_enabled: bool = False
    payment_terms: int = 0


class InvoiceAmount(Record):
    code: str
    value: DecimalText


class Invoice(Record):
    id: int
    customer_id: str
    invoice_number: str = ""
    type: str = ""
    due_date: UtcMillis | None = None
    status: int = 0
    order_number: str = ""
    purchase_order_number: str = ""
    original_balance: InvoiceAmount
    open_balance: InvoiceAmount
    created_at: UtcMillis | None = None
    updated_at: UtcMillis | None = None
    terms_conditions: str = ""
    external_pdf_url: str | None = None


class CompanyUser(Record):
    id: int
    customer_id: int | None = None
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone_number: str = ""
    role: int | None = None
    company_role_id: int | None = None
    company_role_name: str = ""
    extra_fields: list[ExtraField] = Field(default_factory=list)
    created_at: UtcMillis | None = None
    updated_at: UtcMillis | None = None


class AccountSnapshotRecord(SnapshotEnvelope):
    """One company's full state; ``company`` is null when ``deleted``."""

    VERSION_DOC: ClassVar[str] = "Snapshot version: the company's updatedAt."

    company: Company | None = None
    credit: CompanyCredit | None = None
    payment_terms: PaymentTerms | None = None
    invoices: list[Invoice] = Field(default_factory=list)
    #: added after the first version: older snapshots read with no users
    users: list[CompanyUser] = Field(default_factory=list)
