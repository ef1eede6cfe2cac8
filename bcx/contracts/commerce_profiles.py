"""What documents need beyond the entity itself, carried inside the order, refund and cart snapshots.

The store's profile (``GET /v2/store``: identity, address, timezone, currency, language) and the buyer's
profile (v3 customer with group and attribute names; the B2B Edition company the customer buys for) are
read once by the enricher and cached per store for a TTL, invalidated by ``store/information/updated``,
``store/customer/*`` and ``store/company/*`` webhooks. Consumers read them from the snapshot and never call
BigCommerce themselves, so the store's API quota is spent once per change, not once per flow.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from bcx.contracts.base import Record
from bcx.contracts.commerce_common import DecimalText


class StoreTimezone(Record):
    """The store's timezone: an IANA ``name`` and its offsets in seconds (used when the name is unknown)."""

    name: str = "UTC"
    raw_offset: int = 0
    dst_offset: int = 0


class StoreProfile(Record):
    """``GET /v2/store``: who sells, where, in which currency, language and timezone."""

    id: str
    name: str = ""
    domain: str = ""
    secure_url: str = ""
    address: str = ""
    country: str = ""
    country_code: str = ""
    phone: str = ""
    admin_email: str = ""
    order_email: str = ""
    language: str = "en"
    currency: str = "USD"
    timezone: StoreTimezone = StoreTimezone()


class ProfileFormField(Record):
    name: str
    value: str | None = None


class ProfileGroup(Record):
    id: int
    name: str
    is_default: bool = False


class CompanyField(Record):
    field_name: str
    field_value: str | None = None


class BuyerCompany(Record):
    """The B2B Edition company the customer buys for (``GET /companies?customerId=``)."""

    company_id: int
    company_name: str = ""
    company_email: str = ""
    company_phone: str = ""
    company_status: int = 1
    bc_group_id: int | None = None
    extra_fields: list[CompanyField] = Field(default_factory=list)


class CustomerProfile(Record):
    """A registered customer as documents address them: contact, group, preferences, B2B company.

    ``attributes`` maps attribute names to values and ``form_fields`` holds customer form fields; stores keep
    preferences (delivery channel, preferred language, opt-outs) in either.
    """

    id: int
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    phone: str = ""
    customer_group_id: int = 0
    accepts_product_review_abandoned_cart_emails: bool = False
    store_credit: DecimalText = Decimal(0)
    group: ProfileGroup | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    form_fields: list[ProfileFormField] = Field(default_factory=list)
    b2b_company: BuyerCompany | None = None
