"""Customers (v3 customer with addresses, attributes, form fields; v2 group) → ``commerce.customers.v1``.

From the BigCommerce API models, field by field: a field renamed on either side fails type checking; a
value that does not fit fails the contract's validation. Pure.
"""

from __future__ import annotations

import bcx.bigcommerce.models.customers as api
import bcx.contracts.commerce_customers as contract
from producers.enricher.to_contract import text


def customer_address(src: api.CustomerAddress) -> contract.CustomerAddress:
    return contract.CustomerAddress(
        id=src.id,
        customer_id=src.customer_id,
        first_name=src.first_name,
        last_name=src.last_name,
        company=src.company,
        address1=src.address1,
        address2=src.address2,
        city=src.city,
        state_or_province=src.state_or_province,
        postal_code=src.postal_code,
        country_code=src.country_code,
        country=src.country,
        phone=src.phone,
        address_type=src.address_type,
    )


def attribute_value(src: api.AttributeValue) -> contract.AttributeValue:
    return contract.AttributeValue(
        attribute_id=src.attribute_id,
        attribute_value=src.attribute_value,
        date_modified=src.date_modified,
    )


def form_field_value(src: api.FormFieldValue) -> contract.FormFieldValue:
    return contract.FormFieldValue(
        name=src.name,
        value=text(src.value),
        address_id=src.address_id,
    )


def store_credit(src: api.StoreCredit) -> contract.StoreCredit:
    return contract.StoreCredit(
        amount=src.amount,
    )


def customer(src: api.Customer) -> contract.Customer:
    return contract.Customer(
        id=src.id,
        email=src.email,
        first_name=src.first_name,
        last_name=src.last_name,
        company=src.company,
        phone=src.phone,
        notes=src.notes,
        customer_group_id=src.customer_group_id,
        date_created=src.date_created,
        date_modified=src.date_modified,
        accepts_product_review_abandoned_cart_emails=src.accepts_product_review_abandoned_cart_emails,
        origin_channel_id=src.origin_channel_id,
        channel_ids=src.channel_ids,
        addresses=[customer_address(x) for x in src.addresses],
        attributes=[attribute_value(x) for x in src.attributes],
        form_fields=[form_field_value(x) for x in src.form_fields],
        store_credit_amounts=[store_credit(x) for x in src.store_credit_amounts],
    )


def customer_group(src: api.CustomerGroup) -> contract.CustomerGroup:
    return contract.CustomerGroup(
        id=src.id,
        name=src.name,
        is_default=src.is_default,
        is_group_for_guests=src.is_group_for_guests,
    )
