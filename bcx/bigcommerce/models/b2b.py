"""B2B Edition: companies, credit, payment terms, invoices and company users (camelCase on the wire).

Envelope ``{code, data, meta}``; dates are unix seconds. Invoice ``status``: 0 open, 1 partially paid,
2 completed. Company ``companyStatus``: 0 pending, 1 approved, 2 rejected, 3 inactive.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator

from bcx.bigcommerce.models.common import BcModel, Money, OptionalBcDatetime


class ExtraField(BcModel):
    field_name: str = Field(alias="fieldName")
    field_value: str | None = Field(default=None, alias="fieldValue")


class PriceListAssign(BcModel):
    channel_id: int | None = Field(default=None, alias="channelId")
    price_list_id: int | None = Field(default=None, alias="priceListId")
    price_list_name: str = Field(default="", alias="priceListName")


class Company(BcModel):
    """``GET /companies/{companyId}``."""

    company_id: int = Field(alias="companyId")
    company_name: str = Field(alias="companyName")
    company_email: str = Field(default="", alias="companyEmail")
    company_phone: str = Field(default="", alias="companyPhone")
    company_status: int = Field(default=1, alias="companyStatus")
    bc_group_id: int | None = Field(default=None, alias="bcGroupId")
    bc_group_name: str = Field(default="", alias="bcGroupName")
    catalog_id: str | None = Field(default=None, alias="catalogId")
    price_list_assign: list[PriceListAssign] = Field(default_factory=list, alias="priceListAssign")
    extra_fields: list[ExtraField] = Field(default_factory=list, alias="extraFields")
    uuid: str | None = None
    created_at: OptionalBcDatetime = Field(default=None, alias="createdAt")
    updated_at: OptionalBcDatetime = Field(default=None, alias="updatedAt")

    @field_validator("bc_group_id", mode="before")
    @classmethod
    def _empty_group(cls, value: Any) -> Any:
        return None if value == "" else value


class CompanyCredit(BcModel):
    """``GET /companies/{id}/credit``."""

    credit_enabled: bool = Field(default=False, alias="creditEnabled")
    credit_currency: str = Field(default="", alias="creditCurrency")
    available_credit: Money = Field(default=Decimal(0), alias="availableCredit")
    limit_purchases: bool = Field(default=False, alias="limitPurchases")
    credit_hold: bool = Field(default=False, alias="creditHold")


class PaymentTerms(BcModel):
    """``GET /companies/{id}/payment-terms``: net days ∈ {0, 5, 15, 30, 45, 60}."""

    is_enabled: bool = Field(default=False, alias="isEnabled")
    payment_terms: int = Field(default=0, alias="paymentTerms")


class InvoiceAmount(BcModel):
    code: str
    value: Money


class Invoice(BcModel):
    """``GET /invoices`` (invoice portal) entry; ``customer_id`` is the company id."""

    id: int
    customer_id: str = Field(alias="customerId")
    invoice_number: str = Field(default="", alias="invoiceNumber")
    type: str = ""
    due_date: OptionalBcDatetime = Field(default=None, alias="dueDate")
    status: int = 0
    order_number: str = Field(default="", alias="orderNumber")
    purchase_order_number: str = Field(default="", alias="purchaseOrderNumber")
    original_balance: InvoiceAmount = Field(alias="originalBalance")
    open_balance: InvoiceAmount = Field(alias="openBalance")
    created_at: OptionalBcDatetime = Field(default=None, alias="createdAt")
    updated_at: OptionalBcDatetime = Field(default=None, alias="updatedAt")
    terms_conditions: str = Field(default="", alias="termsConditions")
    #: a string in the invoice schema, an integer in the create body
    channel_id: int | None = Field(default=None, alias="channelId")
    external_pdf_url: str | None = Field(default=None, alias="externalPdfUrl")


class CompanyUser(BcModel):
    """``GET /users?companyId=`` entry (B2B Edition Users API): a buyer of the company.

    ``role``: 0 admin, 1 senior buyer, 2 junior buyer (custom roles read as 2, named by ``companyRoleName``);
    ``customerId`` is the user's BigCommerce customer id. Dates are unix seconds.
    """

    id: int
    customer_id: int | None = Field(default=None, alias="customerId")
    first_name: str = Field(default="", alias="firstName")
    last_name: str = Field(default="", alias="lastName")
    email: str = ""
    phone_number: str = Field(default="", alias="phoneNumber")
    role: int | None = None
    company_role_id: int | None = Field(default=None, alias="companyRoleId")
    company_role_name: str = Field(default="", alias="companyRoleName")
    company_id: int | None = Field(default=None, alias="companyId")
    extra_fields: list[ExtraField] = Field(default_factory=list, alias="extraFields")
    created_at: OptionalBcDatetime = Field(default=None, alias="createdAt")
    updated_at: OptionalBcDatetime = Field(default=None, alias="updatedAt")


class CompanySnapshot(BcModel):
    """A B2B company with its credit, payment terms, open invoices and users."""

    company: Company
    credit: CompanyCredit | None = None
    payment_terms: PaymentTerms | None = None
    invoices: list[Invoice] = Field(default_factory=list)
    users: list[CompanyUser] = Field(default_factory=list)


class Receipt(BcModel):
    """``GET /receipts`` (invoice portal) entry: a payment received; ``customer_id`` is the company id."""

    id: int
    customer_id: str = Field(alias="customerId")
    payer_name: str = Field(default="", alias="payerName")
    transaction_type: str = Field(default="", alias="transactionType")
    payment_type: str = Field(default="", alias="paymentType")
    reference_number: str = Field(default="", alias="referenceNumber")
    payment_id: int | None = Field(default=None, alias="paymentId")
    total: InvoiceAmount
    created_at: OptionalBcDatetime = Field(default=None, alias="createdAt")
    updated_at: OptionalBcDatetime = Field(default=None, alias="updatedAt")
