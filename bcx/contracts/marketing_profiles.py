"""``marketing.profiles.v1``: one customer's marketing profile, folded by the customer-profiles group from the
order, customer, cart and refund snapshots. Compacted, keyed ``store_hash:customer_id``: the last record of a
key is the profile. Rebuildable: replaying the snapshot topics into an empty topic gives the same records
(the fold keeps each order and cart by id, so the result does not depend on the order snapshots arrive in
or on how often one is replayed). Money fields are exact decimal text. Timestamps are UTC.

The recency score is not stored: it changes with the clock without any event, so it is computed when an
audience is chosen (:func:`consumers.marketing.profile.recency_score`).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis
from bcx.contracts.commerce_common import DecimalText

TOPIC = "marketing.profiles.v1"


class ProfileOrder(Record):
    """One order's contribution; ``counted`` is false for orders that are not purchases (cancelled, …)."""

    order_id: int
    placed_at: UtcMillis
    total: DecimalText = Decimal(0)
    currency: str = ""
    counted: bool = True
    product_ids: list[int] = Field(default_factory=list)
    category_ids: list[int] = Field(default_factory=list)


class ProfileCart(Record):
    """An abandoned cart still open (neither converted nor expired)."""

    cart_id: str
    abandoned_at: UtcMillis
    amount: DecimalText = Decimal(0)
    currency: str = ""
    item_count: int = 0
    product_ids: list[int] = Field(default_factory=list)


class ProfileAddress(Record):
    """The postal address print documents go to (the customer's first complete address)."""

    name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state_or_province: str = ""
    postal_code: str = ""
    country_code: str = ""


class ProfileConsent(Record):
    """What the customer allowed; ``withdrawn_at`` is when marketing consent was last taken back."""

    marketing: bool = False
    abandoned_cart_emails: bool = False
    do_not_mail: bool = False
    withdrawn_at: UtcMillis | None = None


class MarketingProfile(Record):
    """A customer's purchases, open carts, tier and consent, with the scores audiences are chosen by."""

    store_hash: str
    customer_id: int
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    locale: str = ""
    customer_group_id: int = 0
    group_name: str = ""
    loyalty_tier: str = ""
    postal_address: ProfileAddress | None = None
    consent: ProfileConsent = ProfileConsent()
    customer_version: UtcMillis | None = Field(
        default=None, description="date_modified of the customer snapshot the contact and consent are from."
    )
    orders: list[ProfileOrder] = Field(default_factory=list)
    open_carts: list[ProfileCart] = Field(default_factory=list)
    last_return_at: UtcMillis | None = None
    last_complaint_at: UtcMillis | None = None
    order_count: int = 0
    first_order_at: UtcMillis | None = None
    last_order_at: UtcMillis | None = None
    total_value: DecimalText = Decimal(0)
    frequency_score: int = Field(default=0, description="1–5 from the order count (0: no order).")
    monetary_score: int = Field(default=0, description="1–5 from the total value (0: no order).")
    category_ids: list[int] = Field(default_factory=list)
    product_ids: list[int] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.store_hash}:{self.customer_id}"


def profile_schema() -> dict[str, object]:
    """The Avro schema of the topic, from the models (``schemas/marketing.profiles.v1.avsc``)."""
    import sys

    from bcx.contracts.avro_gen import new_names, prose, record

    doc = prose(sys.modules[__name__].__doc__ or "")
    return dict(record(MarketingProfile, new_names(), namespace="io.bcx.marketing", doc=doc))
