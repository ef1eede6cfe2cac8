"""Carts (v3 cart with line items and coupons) → ``commerce.carts.v1`` records.

From the BigCommerce API models, field by field: a field renamed on either side fails type checking; a
value that does not fit fails the contract's validation. Pure.
"""

from __future__ import annotations

import bcx.bigcommerce.models.carts as api
import bcx.contracts.commerce_carts as contract


def cart_currency(src: api.CartCurrency) -> contract.CartCurrency:
    return contract.CartCurrency(
        code=src.code,
    )


def cart_line_item(src: api.CartLineItem) -> contract.CartLineItem:
    return contract.CartLineItem(
        id=src.id,
        product_id=src.product_id,
        variant_id=src.variant_id,
        sku=src.sku,
        name=src.name,
        url=src.url,
        quantity=src.quantity,
        image_url=src.image_url,
        list_price=src.list_price,
        sale_price=src.sale_price,
        original_price=src.original_price,
        extended_list_price=src.extended_list_price,
        extended_sale_price=src.extended_sale_price,
        discount_amount=src.discount_amount,
        coupon_amount=src.coupon_amount,
    )


def cart_line_items(src: api.CartLineItems) -> contract.CartLineItems:
    return contract.CartLineItems(
        physical_items=[cart_line_item(x) for x in src.physical_items],
        digital_items=[cart_line_item(x) for x in src.digital_items],
    )


def cart_coupon(src: api.CartCoupon) -> contract.CartCoupon:
    return contract.CartCoupon(
        code=src.code,
        id=src.id,
        coupon_type=src.coupon_type,
        discounted_amount=src.discounted_amount,
    )


def cart(src: api.Cart) -> contract.Cart:
    return contract.Cart(
        id=src.id,
        customer_id=src.customer_id,
        channel_id=src.channel_id,
        email=src.email,
        currency=cart_currency(src.currency),
        tax_included=src.tax_included,
        base_amount=src.base_amount,
        discount_amount=src.discount_amount,
        cart_amount=src.cart_amount,
        coupons=[cart_coupon(x) for x in src.coupons],
        line_items=cart_line_items(src.line_items),
        created_time=src.created_time,
        updated_time=src.updated_time,
        locale=src.locale,
    )
