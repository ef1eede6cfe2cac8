"""Carts (v3 management API) and abandoned-cart token lookup."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from bcx.bigcommerce.models.common import BcModel, Money, OptionalBcDatetime


class CartCurrency(BcModel):
    code: str


class CartLineItem(BcModel):
    id: str = ""
    product_id: int
    variant_id: int
    sku: str = ""
    name: str = ""
    url: str = ""
    quantity: int
    image_url: str = ""
    list_price: Money = Decimal(0)
    sale_price: Money = Decimal(0)
    original_price: Money = Decimal(0)
    extended_list_price: Money = Decimal(0)
    extended_sale_price: Money = Decimal(0)
    discount_amount: Money = Decimal(0)
    coupon_amount: Money = Decimal(0)


class CartLineItems(BcModel):
    physical_items: list[CartLineItem] = Field(default_factory=list)
    digital_items: list[CartLineItem] = Field(default_factory=list)


class CartCoupon(BcModel):
    code: str
    id: str | None = None
    coupon_type: str | None = None
    discounted_amount: Money = Decimal(0)


class Cart(BcModel):
    """``GET /v3/carts/{id}``; ``customer_id`` 0 is a guest (then ``email`` may be the only contact)."""

    id: str
    customer_id: int = 0
    channel_id: int = 1
    email: str = ""
    currency: CartCurrency
    tax_included: bool = False
    base_amount: Money = Decimal(0)
    discount_amount: Money = Decimal(0)
    cart_amount: Money = Decimal(0)
    coupons: list[CartCoupon] = Field(default_factory=list)
    line_items: CartLineItems = CartLineItems()
    created_time: OptionalBcDatetime = None
    updated_time: OptionalBcDatetime = None
    locale: str = ""
    version: int | None = None


class AbandonedCart(BcModel):
    """``GET /v3/abandoned-carts/{token}``: the cart an abandoned-cart token refers to."""

    cart_id: str
