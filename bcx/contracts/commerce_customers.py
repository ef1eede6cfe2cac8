"""``commerce.customers.v1``: a customer with addresses, attributes, form fields and customer group.

``attributes`` maps attribute names (resolved through the attribute definitions) to values; a form field's
``value`` is text (lists, as checkbox fields send them, are JSON text).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis
from bcx.contracts.commerce_common import DecimalText, SnapshotEnvelope

TOPIC = "commerce.customers.v1"
ENTITY_TYPE = "customer"


class CustomerAddress(Record):
    id: int
    customer_id: int
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state_or_province: str = ""
    postal_code: str = ""
    country_code: str = ""
    country: str = ""
    phone: str = ""
    address_type: str = "residential"


class AttributeValue(Record):
    attribute_id: int
    attribute_value: str
    date_modified: UtcMillis | None = None


class FormFieldValue(Record):
    name: str
    value: str | None = None
    address_id: int | None = None


class StoreCredit(Record):
    amount: DecimalText = Decimal(0)


class Customer(Record):
    id: int
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    phone: str = ""
    notes: str = ""
    customer_group_id: int = 0
    date_created: UtcMillis | None = None
    date_modified: UtcMillis | None = None
    accepts_product_review_abandoned_cart_emails: bool = False
    origin_channel_id: int | None = None
    channel_ids: list[int] | None = None
    addresses: list[CustomerAddress] = Field(default_factory=list)
    attributes: list[AttributeValue] = Field(default_factory=list)
    form_fields: list[FormFieldValue] = Field(default_factory=list)
    store_credit_amounts: list[StoreCredit] = Field(default_factory=list)


class CustomerGroup(Record):
    id: int
    name: str
    is_default: bool = False
    is_group_for_guests: bool = False


class CustomerSnapshotRecord(SnapshotEnvelope):
    """One customer's full state; ``customer`` is null when ``deleted``."""

    VERSION_DOC: ClassVar[str] = "Snapshot version: the customer's date_modified."

    customer: Customer | None = None
    group: CustomerGroup | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
