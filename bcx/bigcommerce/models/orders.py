"""Orders: v2 order, products, shipping addresses, shipments, coupons, taxes; v3 transactions and refunds.

Currency as BigCommerce documents it: ``currency_code`` is the display currency with
``currency_exchange_rate``; ``default_currency_code`` is the transactional currency the shopper paid in
(invoices use it); ``store_default_currency_code`` is the store's base currency.
"""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum
from typing import Any

from pydantic import Field

from bcx.bigcommerce.models.common import BcModel, Link, Money, OptionalBcDatetime


class OrderStatus(IntEnum):
    """``status_id`` values of ``GET /v2/order_statuses`` (labels are merchant-renamable)."""

    INCOMPLETE = 0
    PENDING = 1
    SHIPPED = 2
    PARTIALLY_SHIPPED = 3
    REFUNDED = 4
    CANCELLED = 5
    DECLINED = 6
    AWAITING_PAYMENT = 7
    AWAITING_PICKUP = 8
    AWAITING_SHIPMENT = 9
    COMPLETED = 10
    AWAITING_FULFILLMENT = 11
    MANUAL_VERIFICATION_REQUIRED = 12
    DISPUTED = 13
    PARTIALLY_REFUNDED = 14


#: The system names of the statuses (``status`` field of an order with default labels).
ORDER_STATUS_NAMES: dict[int, str] = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}


class FormField(BcModel):
    name: str
    value: Any = None


class Address(BcModel):
    """Billing address of an order (v2)."""

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street_1: str = ""
    street_2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    country_iso2: str = ""
    phone: str = ""
    email: str = ""
    form_fields: list[FormField] = Field(default_factory=list)


class Order(BcModel):
    """``GET /v2/orders/{id}``: the order itself; sub-resources are separate calls."""

    id: int
    customer_id: int = 0
    status_id: int
    status: str = ""
    channel_id: int = 1
    cart_id: str = ""
    order_source: str = ""
    customer_locale: str = ""
    date_created: OptionalBcDatetime = None
    date_modified: OptionalBcDatetime = None
    date_shipped: OptionalBcDatetime = None
    is_deleted: bool = False
    subtotal_ex_tax: Money = Decimal(0)
    subtotal_inc_tax: Money = Decimal(0)
    subtotal_tax: Money = Decimal(0)
    base_shipping_cost: Money = Decimal(0)
    shipping_cost_ex_tax: Money = Decimal(0)
    shipping_cost_inc_tax: Money = Decimal(0)
    shipping_cost_tax: Money = Decimal(0)
    handling_cost_ex_tax: Money = Decimal(0)
    handling_cost_inc_tax: Money = Decimal(0)
    total_ex_tax: Money = Decimal(0)
    total_inc_tax: Money = Decimal(0)
    total_tax: Money = Decimal(0)
    discount_amount: Money = Decimal(0)
    coupon_discount: Money = Decimal(0)
    store_credit_amount: Money = Decimal(0)
    gift_certificate_amount: Money = Decimal(0)
    refunded_amount: Money = Decimal(0)
    is_tax_inclusive_pricing: bool = False
    currency_id: int | None = None
    currency_code: str = ""
    currency_exchange_rate: Money = Decimal(1)
    default_currency_id: int | None = None
    default_currency_code: str = ""
    store_default_currency_code: str = ""
    store_default_to_transactional_exchange_rate: Money | None = None
    payment_method: str = ""
    payment_status: str = ""
    billing_address: Address = Address()
    customer_message: str = ""
    staff_notes: str = ""
    is_email_opt_in: bool = False
    items_total: int = 0
    items_shipped: int = 0
    order_is_digital: bool = False
    shipping_address_count: int = 0
    ip_address: str = ""
    geoip_country_iso2: str = ""
    external_id: str | None = None
    products: Link | None = None
    shipping_addresses: Link | None = None
    coupons: Link | None = None


class ProductOption(BcModel):
    id: int | None = None
    option_id: int | None = None
    display_name: str = ""
    display_value: str = ""
    value: str = ""


class OrderProduct(BcModel):
    """``GET /v2/orders/{id}/products`` line."""

    id: int
    order_id: int
    product_id: int = 0
    variant_id: int | None = None
    order_address_id: int = 0
    name: str = ""
    name_customer: str = ""
    sku: str = ""
    type: str = "physical"
    base_price: Money = Decimal(0)
    price_ex_tax: Money = Decimal(0)
    price_inc_tax: Money = Decimal(0)
    price_tax: Money = Decimal(0)
    base_total: Money = Decimal(0)
    total_ex_tax: Money = Decimal(0)
    total_inc_tax: Money = Decimal(0)
    total_tax: Money = Decimal(0)
    quantity: int = 0
    quantity_shipped: int = 0
    quantity_refunded: int = 0
    is_refunded: bool = False
    product_options: list[ProductOption] = Field(default_factory=list)


class ShippingAddress(Address):
    """``GET /v2/orders/{id}/shipping_addresses`` entry."""

    id: int
    order_id: int
    items_total: int = 0
    items_shipped: int = 0
    shipping_method: str = ""
    base_cost: Money = Decimal(0)
    cost_ex_tax: Money = Decimal(0)
    cost_inc_tax: Money = Decimal(0)
    cost_tax: Money = Decimal(0)
    shipping_zone_id: int = 0
    shipping_zone_name: str = ""


class ShipmentItem(BcModel):
    order_product_id: int
    product_id: int = 0
    quantity: int = 0


class Shipment(BcModel):
    """``GET /v2/orders/{id}/shipments`` entry."""

    id: int
    order_id: int
    customer_id: int = 0
    order_address_id: int = 0
    date_created: OptionalBcDatetime = None
    tracking_number: str = ""
    tracking_carrier: str = ""
    tracking_link: str = ""
    generated_tracking_link: str = ""
    shipping_method: str = ""
    shipping_provider: str = ""
    shipping_provider_display_name: str = ""
    comments: str = ""
    items: list[ShipmentItem] = Field(default_factory=list)


class OrderCoupon(BcModel):
    """``GET /v2/orders/{id}/coupons`` entry (``type``: 0 per item … 5 promotion)."""

    id: int
    coupon_id: int = 0
    order_id: int
    code: str | None = None
    amount: Money = Decimal(0)
    type: int = 0
    discount: Money = Decimal(0)


class OrderTax(BcModel):
    """``GET /v2/orders/{id}/taxes`` entry."""

    id: int
    order_id: int
    order_address_id: int = 0
    tax_rate_id: int = 0
    tax_class_id: int | None = None
    name: str = ""
    rate: Money = Decimal(0)
    priority: int = 0
    priority_amount: Money = Decimal(0)
    line_amount: Money = Decimal(0)
    line_item_type: str = "item"


class Transaction(BcModel):
    """``GET /v3/orders/{id}/transactions`` entry (``order_id`` is a string in the spec)."""

    id: int
    order_id: str = ""
    event: str
    method: str
    amount: Money
    currency: str
    gateway: str
    status: str = "ok"
    test: bool = False
    fraud_review: bool = False
    gateway_transaction_id: str = ""
    date_created: OptionalBcDatetime = None


class RefundItem(BcModel):
    item_type: str
    item_id: int = 0
    quantity: int | None = None
    requested_amount: Money | None = None
    reason: str = ""


class RefundPayment(BcModel):
    id: int | None = None
    provider_id: str = ""
    amount: Money = Decimal(0)
    offline: bool = False
    is_declined: bool = False
    declined_message: str = ""


class Refund(BcModel):
    """``GET /v3/orders/payment_actions/refunds[/{id}]`` entry: the source data of refund letters."""

    id: int
    order_id: int
    user_id: int = 0
    created: OptionalBcDatetime = None
    reason: str = ""
    total_amount: Money = Decimal(0)
    total_tax: Money = Decimal(0)
    uses_merchant_override_values: bool = False
    items: list[RefundItem] = Field(default_factory=list)
    payments: list[RefundPayment] = Field(default_factory=list)


class OrderSnapshot(BcModel):
    """Everything the document use cases need about one order, read at one moment."""

    order: Order
    products: list[OrderProduct] = Field(default_factory=list)
    shipping_addresses: list[ShippingAddress] = Field(default_factory=list)
    shipments: list[Shipment] = Field(default_factory=list)
    coupons: list[OrderCoupon] = Field(default_factory=list)
    taxes: list[OrderTax] = Field(default_factory=list)
    transactions: list[Transaction] = Field(default_factory=list)
    refunds: list[Refund] = Field(default_factory=list)
