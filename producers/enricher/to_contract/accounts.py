"""B2B companies (company, credit, payment terms, invoices, users) → ``commerce.accounts.v1`` records.

From the BigCommerce API models, field by field: a field renamed on either side fails type checking; a
value that does not fit fails the contract's validation. Pure.
"""

from __future__ import annotations

import bcx.bigcommerce.models.b2b as api
import bcx.contracts.commerce_accounts as contract


def extra_field(src: api.ExtraField) -> contract.ExtraField:
    return contract.ExtraField(
        field_name=src.field_name,
        field_value=src.field_value,
    )


def price_list_assign(src: api.PriceListAssign) -> contract.PriceListAssign:
    return contract.PriceListAssign(
        channel_id=src.channel_id,
        price_list_id=src.price_list_id,
        price_list_name=src.price_list_name,
    )


def company(src: api.Company) -> contract.Company:
    return contract.Company(
        company_id=src.company_id,
        company_name=src.company_name,
        company_email=src.company_email,
        company_phone=src.company_phone,
        company_status=src.company_status,
        bc_group_id=src.bc_group_id,
        bc_group_name=src.bc_group_name,
        catalog_id=src.catalog_id,
        price_list_assign=[price_list_assign(x) for x in src.price_list_assign],
        extra_fields=[extra_field(x) for x in src.extra_fields],
        uuid=src.uuid,
        created_at=src.created_at,
        updated_at=src.updated_at,
    )


def company_credit(src: api.CompanyCredit) -> contract.CompanyCredit:
    return contract.CompanyCredit(
        credit_enabled=src.credit_enabled,
        credit_currency=src.credit_currency,
        available_credit=src.available_credit,
        limit_purchases=src.limit_purchases,
        credit_hold=src.credit_hold,
    )


def payment_terms(src: api.PaymentTerms) -> contract.PaymentTerms:
    return contract.PaymentTerms(
        is_enabled=src.is_enabled,
        payment_terms=src.payment_terms,
    )


def invoice_amount(src: api.InvoiceAmount) -> contract.InvoiceAmount:
    return contract.InvoiceAmount(
        code=src.code,
        value=src.value,
    )


def invoice(src: api.Invoice) -> contract.Invoice:
    return contract.Invoice(
        id=src.id,
        customer_id=src.customer_id,
        invoice_number=src.invoice_number,
        type=src.type,
        due_date=src.due_date,
        status=src.status,
        order_number=src.order_number,
        purchase_order_number=src.purchase_order_number,
        original_balance=invoice_amount(src.original_balance),
        open_balance=invoice_amount(src.open_balance),
        created_at=src.created_at,
        updated_at=src.updated_at,
        terms_conditions=src.terms_conditions,
        external_pdf_url=src.external_pdf_url,
    )


def company_user(src: api.CompanyUser) -> contract.CompanyUser:
    return contract.CompanyUser(
        id=src.id,
        customer_id=src.customer_id,
        first_name=src.first_name,
        last_name=src.last_name,
        email=src.email,
        phone_number=src.phone_number,
        role=src.role,
        company_role_id=src.company_role_id,
        company_role_name=src.company_role_name,
        extra_fields=[extra_field(x) for x in src.extra_fields],
        created_at=src.created_at,
        updated_at=src.updated_at,
    )
