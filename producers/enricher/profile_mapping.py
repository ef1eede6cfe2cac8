"""BigCommerce API models → the profile records snapshots carry (:mod:`bcx.contracts.commerce_profiles`),
and the refunded lines of a refund. Explicit field by field, so a renamed field fails type checking, not a
run. Pure.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from bcx.bigcommerce.models import Company, CustomerSnapshot, OrderProduct, StoreInformation
from bcx.bigcommerce.models import Refund as ApiRefund
from bcx.contracts.commerce_profiles import (
    BuyerCompany,
    CompanyField,
    CustomerProfile,
    ProfileFormField,
    ProfileGroup,
    StoreProfile,
    StoreTimezone,
)
from bcx.contracts.commerce_refunds import RefundedLine


def store_profile(info: StoreInformation) -> StoreProfile:
    return StoreProfile(
        id=info.id,
        name=info.name,
        domain=info.domain,
        secure_url=info.secure_url,
        address=info.address,
        country=info.country,
        country_code=info.country_code,
        phone=info.phone,
        admin_email=info.admin_email,
        order_email=info.order_email,
        language=info.language,
        currency=info.currency,
        timezone=StoreTimezone(
            name=info.timezone.name,
            raw_offset=info.timezone.raw_offset,
            dst_offset=info.timezone.dst_offset,
        ),
    )


def buyer_company(company: Company) -> BuyerCompany:
    return BuyerCompany(
        company_id=company.company_id,
        company_name=company.company_name,
        company_email=company.company_email,
        company_phone=company.company_phone,
        company_status=company.company_status,
        bc_group_id=company.bc_group_id,
        extra_fields=[
            CompanyField(field_name=f.field_name, field_value=f.field_value) for f in company.extra_fields
        ],
    )


def _text(value: Any) -> str | None:
    """A form field value as text: lists (checkbox fields) as JSON, ``None`` kept."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def customer_profile(snapshot: CustomerSnapshot, company: Company | None) -> CustomerProfile:
    customer = snapshot.customer
    group = snapshot.group
    return CustomerProfile(
        id=customer.id,
        email=customer.email,
        first_name=customer.first_name,
        last_name=customer.last_name,
        company=customer.company,
        phone=customer.phone,
        customer_group_id=customer.customer_group_id,
        accepts_product_review_abandoned_cart_emails=customer.accepts_product_review_abandoned_cart_emails,
        store_credit=sum((c.amount for c in customer.store_credit_amounts), Decimal(0)),
        group=ProfileGroup(id=group.id, name=group.name, is_default=group.is_default) if group else None,
        attributes=dict(snapshot.attributes),
        form_fields=[
            ProfileFormField(name=f.name, value=_text(f.value))
            for f in customer.form_fields
            if f.address_id is None
        ],
        b2b_company=buyer_company(company) if company is not None else None,
    )


def refunded_lines(refund: ApiRefund, products: list[OrderProduct]) -> list[RefundedLine]:
    """The refund's ``PRODUCT`` items with the order line they name (name, SKU; amount as requested, else
    the line's unit price including tax times the quantity)."""
    by_id = {p.id: p for p in products}
    lines: list[RefundedLine] = []
    for item in refund.items:
        if item.item_type.upper() != "PRODUCT":
            continue
        line = by_id.get(item.item_id)
        quantity = item.quantity if item.quantity is not None else (line.quantity if line else 0)
        amount = item.requested_amount
        if amount is None:
            amount = line.price_inc_tax * quantity if line is not None else Decimal(0)
        lines.append(
            RefundedLine(
                order_product_id=item.item_id,
                product_id=line.product_id if line else 0,
                name=line.name if line else "",
                sku=line.sku if line else "",
                quantity=quantity,
                amount=amount,
            )
        )
    return lines
