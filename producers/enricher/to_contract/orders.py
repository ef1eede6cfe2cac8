"""Orders (v2 order and sub-resources, v3 transactions, refunds) → ``commerce.orders.v1`` records.

From the BigCommerce API models, field by field: a field renamed on either side fails type checking; a
value that does not fit fails the contract's validation. Pure.
"""

from __future__ import annotations

import bcx.bigcommerce.models.orders as api
import bcx.contracts.commerce_orders as contract
from producers.enricher.to_contract import text


def form_field(src: api.FormField) -> contract.FormField:
    return contract.FormField(
        name=src.name,
        value=text(src.value) or "",
    )


def address(src: api.Address) -> contract.Address:
    return contract.Address(
        first_name=src.first_name,
        last_name=src.last_name,
        company=src.company,
        street_1=src.street_1,
        street_2=src.street_2,
        city=src.city,
        state=src.state,
        zip=src.zip,
        country=src.country,
        country_iso2=src.country_iso2,
        phone=src.phone,
        email=src.email,
        form_fields=[form_field(x) for x in src.form_fields],
    )


def order(src: api.Order) -> contract.Order:
    return contract.Order(
        id=src.id,
        customer_id=src.customer_id,
        status_id=src.status_id,
        status=src.status,
        channel_id=src.channel_id,
        cart_id=src.cart_id,
        order_source=src.order_source,
        customer_locale=src.customer_locale,
        date_created=src.date_created,
        date_modified=src.date_modified,
        date_shipped=src.date_shipped,
        is_deleted=src.is_deleted,
        subtotal_ex_tax=src.subtotal_ex_tax,
        subtotal_inc_tax=src.subtotal_inc_tax,
        subtotal_tax=src.subtotal_tax,
        base_shipping_cost=src.base_shipping_cost,
        shipping_cost_ex_tax=src.shipping_cost_ex_tax,
        shipping_cost_inc_tax=src.shipping_cost_inc_tax,
        shipping_cost_tax=src.shipping_cost_tax,
        handling_cost_ex_tax=src.handling_cost_ex_tax,
        handling_cost_inc_tax=src.handling_cost_inc_tax,
        total_ex_tax=src.total_ex_tax,
        total_inc_tax=src.total_inc_tax,
        total_tax=src.total_tax,
        discount_amount=src.discount_amount,
        coupon_discount=src.coupon_discount,
        store_credit_amount=src.store_credit_amount,
        gift_certificate_amount=src.gift_certificate_amount,
        refunded_amount=src.refunded_amount,
        is_tax_inclusive_pricing=src.is_tax_inclusive_pricing,
        currency_code=src.currency_code,
        currency_exchange_rate=src.currency_exchange_rate,
        default_currency_code=src.default_currency_code,
        store_default_currency_code=src.store_default_currency_code,
        store_default_to_transactional_exchange_rate=src.store_default_to_transactional_exchange_rate,
        payment_method=src.payment_method,
        payment_status=src.payment_status,
        billing_address=address(src.billing_address),
        customer_message=src.customer_message,
        staff_notes=src.staff_notes,
        is_email_opt_in=src.is_email_opt_in,
        items_total=src.items_total,
        items_shipped=src.items_shipped,
        order_is_digital=src.order_is_digital,
        shipping_address_count=src.shipping_address_count,
        geoip_country_iso2=src.geoip_country_iso2,
        external_id=src.external_id,
    )


def product_option(src: api.ProductOption) -> contract.ProductOption:
    return contract.ProductOption(
        option_id=src.option_id,
        display_name=src.display_name,
        display_value=src.display_value,
    )


def order_product(src: api.OrderProduct, categories: list[int]) -> contract.OrderProduct:
    """An order line with its catalogue product's ``categories`` (read separately, cached)."""
    return contract.OrderProduct(
        id=src.id,
        order_id=src.order_id,
        product_id=src.product_id,
        variant_id=src.variant_id,
        order_address_id=src.order_address_id,
        name=src.name,
        name_customer=src.name_customer,
        sku=src.sku,
        type=src.type,
        base_price=src.base_price,
        price_ex_tax=src.price_ex_tax,
        price_inc_tax=src.price_inc_tax,
        price_tax=src.price_tax,
        base_total=src.base_total,
        total_ex_tax=src.total_ex_tax,
        total_inc_tax=src.total_inc_tax,
        total_tax=src.total_tax,
        quantity=src.quantity,
        quantity_shipped=src.quantity_shipped,
        quantity_refunded=src.quantity_refunded,
        is_refunded=src.is_refunded,
        product_options=[product_option(x) for x in src.product_options],
        categories=categories,
    )


def shipping_address(src: api.ShippingAddress) -> contract.ShippingAddress:
    return contract.ShippingAddress(
        first_name=src.first_name,
        last_name=src.last_name,
        company=src.company,
        street_1=src.street_1,
        street_2=src.street_2,
        city=src.city,
        state=src.state,
        zip=src.zip,
        country=src.country,
        country_iso2=src.country_iso2,
        phone=src.phone,
        email=src.email,
        form_fields=[form_field(x) for x in src.form_fields],
        id=src.id,
        order_id=src.order_id,
        items_total=src.items_total,
        items_shipped=src.items_shipped,
        shipping_method=src.shipping_method,
        base_cost=src.base_cost,
        cost_ex_tax=src.cost_ex_tax,
        cost_inc_tax=src.cost_inc_tax,
        cost_tax=src.cost_tax,
        shipping_zone_id=src.shipping_zone_id,
        shipping_zone_name=src.shipping_zone_name,
    )


def shipment_item(src: api.ShipmentItem) -> contract.ShipmentItem:
    return contract.ShipmentItem(
        order_product_id=src.order_product_id,
        product_id=src.product_id,
        quantity=src.quantity,
    )


def shipment(src: api.Shipment) -> contract.Shipment:
    return contract.Shipment(
        id=src.id,
        order_id=src.order_id,
        customer_id=src.customer_id,
        order_address_id=src.order_address_id,
        date_created=src.date_created,
        tracking_number=src.tracking_number,
        tracking_carrier=src.tracking_carrier,
        tracking_link=src.tracking_link,
        generated_tracking_link=src.generated_tracking_link,
        shipping_method=src.shipping_method,
        shipping_provider=src.shipping_provider,
        shipping_provider_display_name=src.shipping_provider_display_name,
        comments=src.comments,
        items=[shipment_item(x) for x in src.items],
    )


def order_coupon(src: api.OrderCoupon) -> contract.OrderCoupon:
    return contract.OrderCoupon(
        id=src.id,
        coupon_id=src.coupon_id,
        order_id=src.order_id,
        code=src.code,
        amount=src.amount,
        type=src.type,
        discount=src.discount,
    )


def order_tax(src: api.OrderTax) -> contract.OrderTax:
    return contract.OrderTax(
        id=src.id,
        order_id=src.order_id,
        order_address_id=src.order_address_id,
        tax_rate_id=src.tax_rate_id,
        tax_class_id=src.tax_class_id,
        name=src.name,
        rate=src.rate,
        priority=src.priority,
        priority_amount=src.priority_amount,
        line_amount=src.line_amount,
        line_item_type=src.line_item_type,
    )


def transaction(src: api.Transaction) -> contract.Transaction:
    return contract.Transaction(
        id=src.id,
        order_id=src.order_id,
        event=src.event,
        method=src.method,
        amount=src.amount,
        currency=src.currency,
        gateway=src.gateway,
        status=src.status,
        test=src.test,
        fraud_review=src.fraud_review,
        gateway_transaction_id=src.gateway_transaction_id,
        date_created=src.date_created,
    )


def refund_item(src: api.RefundItem) -> contract.RefundItem:
    return contract.RefundItem(
        item_type=src.item_type,
        item_id=src.item_id,
        quantity=src.quantity,
        requested_amount=src.requested_amount,
        reason=src.reason,
    )


def refund_payment(src: api.RefundPayment) -> contract.RefundPayment:
    return contract.RefundPayment(
        id=src.id,
        provider_id=src.provider_id,
        amount=src.amount,
        offline=src.offline,
        is_declined=src.is_declined,
        declined_message=src.declined_message,
    )


def refund(src: api.Refund) -> contract.Refund:
    return contract.Refund(
        id=src.id,
        order_id=src.order_id,
        user_id=src.user_id,
        created=src.created,
        reason=src.reason,
        total_amount=src.total_amount,
        total_tax=src.total_tax,
        uses_merchant_override_values=src.uses_merchant_override_values,
        items=[refund_item(x) for x in src.items],
        payments=[refund_payment(x) for x in src.payments],
    )
