"""``commerce.carts.v1``: a cart (v3 management API) with line items and coupons.

A converted cart (it became an order) or an expired one no longer exists: it is published as ``deleted``.
``abandoned`` is true when the triggering event was ``store/cart/abandoned``; the event's recovery token is
in ``trigger.data_json``. A registered customer's profile and consent come with the cart.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis
from bcx.contracts.commerce_common import DecimalText, SnapshotEnvelope
from bcx.contracts.commerce_profiles import CustomerProfile

TOPIC = "commerce.carts.v1"
ENTITY_TYPE = "cart"


class CartCurrency(Record):
    code: str


class CartLineItem(Record):
    id: str = ""
    product_id: int
    variant_id: int
    sku: str = ""
    name: str = ""
    url: str = ""
    quantity: int
    image_url: str = ""
    list_price: DecimalText = Decimal(0)
    sale_price: DecimalText = Decimal(0)
    original_price: DecimalText = Decimal(0)
    extended_list_price: DecimalText = Decimal(0)
    extended_sale_price: DecimalText = Decimal(0)
    discount_amount: DecimalText = Decimal(0)
    coupon_amount: DecimalText = Decimal(0)


class CartLineItems(Record):
    physical_items: list[CartLineItem] = Field(default_factory=list)
    digital_items: list[CartLineItem] = Field(default_factory=list)


class CartCoupon(Record):
    code: str
    id: str | None = None
    coupon_type: str | None = None
    discounted_amount: DecimalText = Decimal(0)


class Cart(Record):
    id: str
    customer_id: int = 0
    channel_id: int = 1
    email: str = ""
    currency: CartCurrency
    tax_included: bool = False
    base_amount: DecimalText = Decimal(0)
    discount_amount: DecimalText = Decimal(0)
    cart_amount: DecimalText = Decimal(0)
    coupons: list[CartCoupon] = Field(default_factory=list)
    line_items: CartLineItems = CartLineItems()
    created_time: UtcMillis | None = None
    updated_time: UtcMillis | None = None
    locale: str = ""


class CartSnapshotRecord(SnapshotEnvelope):
    """One cart's full state; ``cart`` is null when ``deleted``."""

    VERSION_DOC: ClassVar[str] = "Snapshot version: the cart's updated_time."

    abandoned: bool = False
    cart: Cart | None = None
    customer: CustomerProfile | None = Field(
        default=None, description="The cart's registered customer (null for a guest cart)."
    )
    accepts_abandoned_cart_emails: bool | None = Field(
        default=None,
        description="The customer accepts abandoned-cart emails "
        "(accepts_product_review_abandoned_cart_emails); null when unknown (a guest cart).",
    )
