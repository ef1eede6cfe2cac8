"""Customers (v3) with attributes and form fields, customer groups (v2).

Delivery preferences are store-defined: bcx reads them from a customer attribute or form field by name
(``document_delivery`` = email/portal/print, ``preferred_language``); see :meth:`Customer.preference`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field

from bcx.bigcommerce.models.common import BcModel, Money, OptionalBcDatetime


class CustomerAddress(BcModel):
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


class AttributeValue(BcModel):
    """``GET /v3/customers/attribute-values`` entry; ``attribute_value`` is always a string."""

    attribute_id: int
    attribute_value: str
    customer_id: int
    id: int | None = None
    date_modified: OptionalBcDatetime = None


class Attribute(BcModel):
    """``GET /v3/customers/attributes`` definition (maps ``attribute_id`` to a name)."""

    id: int
    name: str
    type: str = "string"


class FormFieldValue(BcModel):
    """``GET /v3/customers/form-field-values`` entry (customer or address form field)."""

    name: str
    value: Any = None
    customer_id: int | None = None
    address_id: int | None = None


class StoreCredit(BcModel):
    amount: Money = Decimal(0)


class Customer(BcModel):
    """``GET /v3/customers?id:in=…&include=addresses,attributes,formfields`` entry."""

    id: int
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    phone: str = ""
    notes: str = ""
    customer_group_id: int = 0
    date_created: OptionalBcDatetime = None
    date_modified: OptionalBcDatetime = None
    accepts_product_review_abandoned_cart_emails: bool = False
    origin_channel_id: int | None = None
    channel_ids: list[int] | None = None
    addresses: list[CustomerAddress] = Field(default_factory=list)
    attributes: list[AttributeValue] = Field(default_factory=list)
    form_fields: list[FormFieldValue] = Field(default_factory=list)
    store_credit_amounts: list[StoreCredit] = Field(default_factory=list)


class CustomerGroup(BcModel):
    """``GET /v2/customer_groups/{id}``."""

    id: int
    name: str
    is_default: bool = False
    is_group_for_guests: bool = False
    date_created: OptionalBcDatetime = None
    date_modified: OptionalBcDatetime = None


class CustomerSnapshot(BcModel):
    """A customer with its group and attribute names resolved: what onboarding and routing read."""

    customer: Customer
    group: CustomerGroup | None = None
    #: attribute name → value, resolved through the attribute definitions.
    attributes: dict[str, str] = Field(default_factory=dict)

    def preference(self, name: str) -> str | None:
        """A delivery/language preference from an attribute, else a customer form field of that name."""
        if name in self.attributes:
            return self.attributes[name]
        for field in self.customer.form_fields:
            if field.name == name and field.value is not None:
                return str(field.value)
        return None
