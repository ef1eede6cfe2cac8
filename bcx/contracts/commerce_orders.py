"""``commerce.orders.v1``: an order with products, shipping addresses, shipments, coupons, taxes,
transactions and refunds, as BigCommerce reports it (v2 order and sub-resources, v3 transactions/refunds).

Currency as BigCommerce documents it: ``currency_code`` is the display currency (with
``currency_exchange_rate``), ``default_currency_code`` the transactional currency the shopper paid in,
``store_default_currency_code`` the store's base currency. ``refunded_amount`` and line
``quantity_refunded`` come from v2 and may lag; ``refunds`` (v3) is authoritative.

Documents need more than the order: the snapshot also carries the store's profile, the customer's profile
(with the B2B company) and each line's catalogue categories (:mod:`bcx.contracts.commerce_profiles`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis
from bcx.contracts.commerce_common import DecimalText, SnapshotEnvelope
from bcx.contracts.commerce_profiles import CustomerProfile, StoreProfile

TOPIC = "commerce.orders.v1"
ENTITY_TYPE = "order"


class FormField(Record):
    name: str
    value: str = ""


class Address(Record):
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


class Order(Record):
    id: int
    customer_id: int = 0
    status_id: int
    status: str = ""
    channel_id: int = 1
    cart_id: str = ""
    order_source: str = ""
    customer_locale: str = ""
    date_created: UtcMillis | None = None
    date_modified: UtcMillis | None = None
    date_shipped: UtcMillis | None = None
    is_deleted: bool = False
    subtotal_ex_tax: DecimalText = Decimal(0)
    subtotal_inc_tax: DecimalText = Decimal(0)
    subtotal_tax: DecimalText = Decimal(0)
    base_shipping_cost: DecimalText = Decimal(0)
    shipping_cost_ex_tax: DecimalText = Decimal(0)
    shipping_cost_inc_tax: DecimalText = Decimal(0)
    shipping_cost_tax: DecimalText = Decimal(0)
    handling_cost_ex_tax: DecimalText = Decimal(0)
    handling_cost_inc_tax: DecimalText = Decimal(0)
    total_ex_tax: DecimalText = Decimal(0)
    total_inc_tax: DecimalText = Decimal(0)
    total_tax: DecimalText = Decimal(0)
    discount_amount: DecimalText = Decimal(0)
    coupon_discount: DecimalText = Decimal(0)
    store_credit_amount: DecimalText = Decimal(0)
    gift_certificate_amount: DecimalText = Decimal(0)
    refunded_amount: DecimalText = Decimal(0)
    is_tax_inclusive_pricing: bool = False
    currency_code: str = ""
    currency_exchange_rate: DecimalText = Decimal(1)
    default_currency_code: str = ""
    store_default_currency_code: str = ""
    store_default_to_transactional_exchange_rate: DecimalText | None = None
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
    geoip_country_iso2: str = ""
    external_id: str | None = None


class ProductOption(Record):
    option_id: int | None = None
    display_name: str = ""
    display_value: str = ""


class OrderProduct(Record):
    id: int
    order_id: int
    product_id: int = 0
    variant_id: int | None = None
    order_address_id: int = 0
    name: str = ""
    name_customer: str = ""
    sku: str = ""
    type: str = "physical"
    base_price: DecimalText = Decimal(0)
    price_ex_tax: DecimalText = Decimal(0)
    price_inc_tax: DecimalText = Decimal(0)
    price_tax: DecimalText = Decimal(0)
    base_total: DecimalText = Decimal(0)
    total_ex_tax: DecimalText = Decimal(0)
    total_inc_tax: DecimalText = Decimal(0)
    total_tax: DecimalText = Decimal(0)
    quantity: int = 0
    quantity_shipped: int = 0
    quantity_refunded: int = 0
    is_refunded: bool = False
    product_options: list[ProductOption] = Field(default_factory=list)
    #: the catalogue product's category ids (empty for a product deleted since, or a custom line)
    categories: list[int] = Field(default_factory=list)


class ShippingAddress(Address):
    """An order's ship-to address: an :class:`Address` plus its id and fulfilment counts."""

    id: int
    order_id: int
    items_total: int = 0
    items_shipped: int = 0
    shipping_method: str = ""
    base_cost: DecimalText = Decimal(0)
    cost_ex_tax: DecimalText = Decimal(0)
    cost_inc_tax: DecimalText = Decimal(0)
    cost_tax: DecimalText = Decimal(0)
    shipping_zone_id: int = 0
    shipping_zone_name: str = ""


class ShipmentItem(Record):
    order_product_id: int
    product_id: int = 0
    quantity: int = 0


class Shipment(Record):
    id: int
    order_id: int
    customer_id: int = 0
    order_address_id: int = 0
    date_created: UtcMillis | None = None
    tracking_number: str = ""
    tracking_carrier: str = ""
    tracking_link: str = ""
    generated_tracking_link: str = ""
    shipping_method: str = ""
    shipping_provider: str = ""
    shipping_provider_display_name: str = ""
    comments: str = ""
    items: list[ShipmentItem] = Field(default_factory=list)


class OrderCoupon(Record):
    id: int
    coupon_id: int = 0
    order_id: int
    code: str | None = None
    amount: DecimalText = Decimal(0)
    type: int = 0
    discount: DecimalText = Decimal(0)


class OrderTax(Record):
    id: int
    order_id: int
    order_address_id: int = 0
    tax_rate_id: int = 0
    tax_class_id: int | None = None
    name: str = ""
    rate: DecimalText = Decimal(0)
    priority: int = 0
    priority_amount: DecimalText = Decimal(0)
    line_amount: DecimalText = Decimal(0)
    line_item_type: str = "item"


class Transaction(Record):
    id: int
    order_id: str = ""
    event: str
    method: str
    amount: DecimalText
    currency: str
    gateway: str
    status: str = "ok"
    test: bool = False
    fraud_review: bool = False
    gateway_transaction_id: str = ""
    date_created: UtcMillis | None = None


class RefundItem(Record):
    item_type: str
    item_id: int = 0
    quantity: int | None = None
    requested_amount: DecimalText | None = None
    reason: str = ""


class RefundPayment(Record):
    id: int | None = None
    provider_id: str = ""
    amount: DecimalText = Decimal(0)
    offline: bool = False
    is_declined: bool = False
    declined_message: str = ""


class Refund(Record):
    id: int
    order_id: int
    user_id: int = 0
    created: UtcMillis | None = None
    reason: str = ""
    total_amount: DecimalText = Decimal(0)
    total_tax: DecimalText = Decimal(0)
    uses_merchant_override_values: bool = False
    items: list[RefundItem] = Field(default_factory=list)
    payments: list[RefundPayment] = Field(default_factory=list)


class OrderSnapshotRecord(SnapshotEnvelope):
    """One order's full state; ``order`` is null and the lists empty when ``deleted``."""

    VERSION_DOC: ClassVar[str] = "Snapshot version: the order's date_modified."

    order: Order | None = None
    products: list[OrderProduct] = Field(default_factory=list)
    shipping_addresses: list[ShippingAddress] = Field(default_factory=list)
    shipments: list[Shipment] = Field(default_factory=list)
    coupons: list[OrderCoupon] = Field(default_factory=list)
    taxes: list[OrderTax] = Field(default_factory=list)
    transactions: list[Transaction] = Field(default_factory=list)
    refunds: list[Refund] = Field(default_factory=list)
    store: StoreProfile | None = Field(
        default=None,
        description="The store's profile (GET /v2/store: name, address, timezone, currency, language), read "
        "by the enricher and cached per store; null in snapshots written before it was carried.",
    )
    customer: CustomerProfile | None = Field(
        default=None,
        description="The registered customer's profile (contact, group, preference attributes and form "
        "fields, B2B company); null for guests, a customer deleted since, or older snapshots.",
    )
