"""``commerce.orders.v1`` records → the :class:`OrderContext` documents are built from, and the trigger.

Everything comes from the snapshot: the enricher read the order, the store's profile, the customer's
profile (with the B2B company) and the lines' categories once, so this use case calls no BigCommerce API.
The contract record carries the same field names as :mod:`bcx.bigcommerce.models.orders`, so the order
part is a plain re-validation; fields the contract does not carry (tax ``class``, card details, line
``applied_discounts``) are simply absent and the mapping does without. A snapshot written before profiles
were carried has a store of defaults named by its hash and no customer. Pure: no I/O.
"""

from __future__ import annotations

import json
from typing import Any

from bcx.bigcommerce.models import (
    Company,
    CompanySnapshot,
    Customer,
    CustomerGroup,
    CustomerSnapshot,
    FormFieldValue,
    OrderSnapshot,
    StoreInformation,
)
from bcx.bigcommerce.models.b2b import ExtraField
from bcx.bigcommerce.models.store import Timezone
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.commerce_profiles import BuyerCompany, CustomerProfile, StoreProfile
from bcx.errors import BcxError
from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.facts import Trigger


class DeletedOrder(BcxError):
    """The snapshot is of a deleted order: there is nothing to build from it (permanent)."""

    retryable = False


def order_snapshot(record: OrderSnapshotRecord) -> OrderSnapshot:
    """The record's order as the BigCommerce client models (raises :class:`DeletedOrder` for a deleted
    order)."""
    if record.order is None:
        raise DeletedOrder(f"order {record.entity_id} is deleted; it has no documents")
    return OrderSnapshot.model_validate(record.model_dump(include=set(OrderSnapshot.model_fields)))


def store_information(store_hash: str, profile: StoreProfile | None) -> StoreInformation:
    if profile is None:
        return StoreInformation(id=store_hash)
    zone = profile.timezone
    return StoreInformation(
        id=profile.id,
        name=profile.name,
        domain=profile.domain,
        secure_url=profile.secure_url,
        address=profile.address,
        country=profile.country,
        country_code=profile.country_code,
        phone=profile.phone,
        admin_email=profile.admin_email,
        order_email=profile.order_email,
        language=profile.language,
        currency=profile.currency,
        timezone=Timezone(name=zone.name, raw_offset=zone.raw_offset, dst_offset=zone.dst_offset),
    )


def customer_snapshot(profile: CustomerProfile) -> CustomerSnapshot:
    group = profile.group
    return CustomerSnapshot(
        customer=Customer(
            id=profile.id,
            email=profile.email,
            first_name=profile.first_name,
            last_name=profile.last_name,
            company=profile.company,
            phone=profile.phone,
            customer_group_id=profile.customer_group_id,
            accepts_product_review_abandoned_cart_emails=profile.accepts_product_review_abandoned_cart_emails,
            form_fields=[FormFieldValue(name=f.name, value=f.value) for f in profile.form_fields],
        ),
        group=CustomerGroup(id=group.id, name=group.name, is_default=group.is_default) if group else None,
        attributes=dict(profile.attributes),
    )


def company_snapshot(company: BuyerCompany) -> CompanySnapshot:
    return CompanySnapshot(
        company=Company(
            company_id=company.company_id,
            company_name=company.company_name,
            company_email=company.company_email,
            company_phone=company.company_phone,
            company_status=company.company_status,
            bc_group_id=company.bc_group_id,
            extra_fields=[
                ExtraField(field_name=f.field_name, field_value=f.field_value) for f in company.extra_fields
            ],
        )
    )


def order_context(record: OrderSnapshotRecord) -> OrderContext:
    """The order, its store and its customer (with the B2B company) as documents see them."""
    profile = record.customer
    company = profile.b2b_company if profile is not None else None
    return OrderContext(
        snapshot=order_snapshot(record),
        store=store_information(record.store_hash, record.store),
        customer=customer_snapshot(profile) if profile is not None else None,
        company=company_snapshot(company) if company is not None else None,
        categories={line.product_id: tuple(line.categories) for line in record.products if line.product_id},
    )


def _data(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def trigger(record: OrderSnapshotRecord) -> Trigger:
    """The webhook (or reconciliation event) that caused the snapshot, with the transaction it names."""
    event = record.trigger
    data = _data(event.data_json)
    transaction_id = None
    if "/transaction/" in event.scope and data.get("id") is not None:
        transaction_id = str(data["id"])
    return Trigger(
        scope=event.scope,
        event_id=event.event_id,
        occurred_at=event.created_at,
        previous_status_id=event.previous_status_id,
        new_status_id=event.new_status_id,
        transaction_id=transaction_id,
    )
