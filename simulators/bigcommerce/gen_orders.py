"""Orders with products, shipping address, shipments, coupons, taxes, transactions and refunds.

An order's content follows from its status (shipments for shipped statuses, refunds for 4/14, a fraud-review
authorization for 12, an error transaction for 6 …), so the generated store is internally consistent.
Orders ``1..15`` have statuses ``0..14`` so every status exists in any store; later ones are drawn by weight.
Creation dates rise with the id over the year before :data:`ANCHOR`; :func:`order_times` computes an order's
dates without generating it, so listing 100k orders by date stays cheap.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from simulators.bigcommerce.gen_catalog import product
from simulators.bigcommerce.gen_lines import FOUR, money, order_product, shipment
from simulators.bigcommerce.gen_payments import refunds, transactions
from simulators.bigcommerce.gen_people import customer
from simulators.bigcommerce.timefmt import ANCHOR, rfc2822, rng_for

STATUS_NAMES = (
    "Incomplete",
    "Pending",
    "Shipped",
    "Partially Shipped",
    "Refunded",
    "Cancelled",
    "Declined",
    "Awaiting Payment",
    "Awaiting Pickup",
    "Awaiting Shipment",
    "Completed",
    "Awaiting Fulfillment",
    "Manual Verification Required",
    "Disputed",
    "Partially Refunded",
)
_STATUS_WEIGHTS = (3, 3, 20, 3, 3, 4, 2, 4, 2, 6, 30, 12, 2, 1, 5)
PAID_STATUSES = frozenset({2, 3, 4, 8, 9, 10, 11, 13, 14})
SHIPPED_STATUSES = frozenset({2, 3, 4, 10, 14})
TAX_RATES = {"US": "0.08", "CA": "0.13"}
EU_RATE = Decimal("0.92")


def order_times(seed: int, total: int, order_id: int) -> tuple[datetime, datetime]:
    """(date_created, date_modified) of a generated order, without generating it."""
    created = ANCHOR - timedelta(days=365 * (total - order_id + 1) / total)
    return created, created + timedelta(hours=(order_id * 7919 + seed) % 72)


def order_status(seed: int, order_id: int) -> int:
    if order_id <= len(STATUS_NAMES):
        return order_id - 1
    return rng_for(seed, "status", order_id).choices(range(15), weights=_STATUS_WEIGHTS)[0]


def payment_status(status: int) -> str:
    return {
        0: "",
        1: "pending",
        4: "refunded",
        5: "void",
        6: "declined",
        7: "pending",
        12: "held for review",
    }.get(status, "partially refunded" if status == 14 else "captured")


def order(
    seed: int,
    total: int,
    order_id: int,
    customer_count: int,
    product_count: int,
    *,
    status: int | None = None,
    customer_id: int | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """The generated record: ``{"order": …, "products": […], "shipping_addresses": […], …}``.

    ``status``, ``customer_id`` and ``created_at`` override the drawn values (orders created at runtime).
    """
    rng = rng_for(seed, "order", order_id)
    status = order_status(seed, order_id) if status is None else status
    created, modified = order_times(seed, total, order_id) if created_at is None else (created_at, created_at)
    drawn_customer = 0 if rng.random() < 0.1 else rng.randint(1, customer_count)
    customer_id = drawn_customer if customer_id is None else customer_id
    person = customer(seed, customer_id or rng.randint(1, customer_count), 0)
    address = person["addresses"][0]
    country = address["country_code"]
    eur = country in ("DE", "FR", "NL", "ES")
    rate = EU_RATE if eur else Decimal(1)
    tax_rate = Decimal(TAX_RATES.get(country, "0.20"))
    email = person["email"] if customer_id else f"guest{order_id}@example.com"
    billing = {
        "first_name": person["first_name"],
        "last_name": person["last_name"],
        "company": "",
        "street_1": address["address1"],
        "street_2": "",
        "city": address["city"],
        "state": address["state_or_province"],
        "zip": address["postal_code"],
        "country": address["country"],
        "country_iso2": country,
        "phone": address["phone"],
        "email": email,
        "form_fields": [],
    }
    address_id = order_id * 10 + 1
    lines = []
    for k in range(1, rng.randint(1, 4) + 1):
        prod = product(seed, rng.randint(1, product_count))
        variant = rng.choice(prod["variants"])
        quantity = rng.randint(1, 3)
        price = (Decimal(str(variant["calculated_price"])) * rate).quantize(Decimal("0.01"))
        tax = (price * tax_rate).quantize(FOUR)
        lines.append((order_id * 100 + k, prod, variant, quantity, price, tax))
    subtotal = sum((p * q for _, _, _, q, p, _ in lines), Decimal(0))
    subtotal_tax = sum((t * q for _, _, _, q, _, t in lines), Decimal(0))
    shipping = (Decimal("9.95") * rate).quantize(Decimal("0.01"))
    shipping_tax = (shipping * tax_rate).quantize(FOUR)
    has_coupon = rng.random() < 0.2
    discount = (subtotal * Decimal("0.10")).quantize(FOUR) if has_coupon else Decimal(0)
    total_ex = subtotal + shipping - discount
    total_tax = subtotal_tax + shipping_tax
    total_inc = total_ex + total_tax
    item_count = sum(q for _, _, _, q, _, _ in lines)
    shipped_lines = lines if status in SHIPPED_STATUSES and status != 3 else lines[:1] if status == 3 else []
    items_shipped = sum(q for _, _, _, q, _, _ in shipped_lines)
    record: dict[str, Any] = {}
    record["order"] = {
        "id": order_id,
        "customer_id": customer_id,
        "date_created": rfc2822(created),
        "date_modified": rfc2822(modified),
        "date_shipped": rfc2822(created + timedelta(days=1)) if shipped_lines else "",
        "status_id": status,
        "status": STATUS_NAMES[status],
        "cart_id": "",
        "channel_id": 1,
        "order_source": "www",
        "external_source": None,
        "external_id": None,
        "external_merchant_id": None,
        "external_order_id": "",
        "ebay_order_id": "0",
        "customer_locale": person["form_fields"][0]["value"],
        "subtotal_ex_tax": money(subtotal),
        "subtotal_inc_tax": money(subtotal + subtotal_tax),
        "subtotal_tax": money(subtotal_tax),
        "base_shipping_cost": money(shipping),
        "shipping_cost_ex_tax": money(shipping),
        "shipping_cost_inc_tax": money(shipping + shipping_tax),
        "shipping_cost_tax": money(shipping_tax),
        "shipping_cost_tax_class_id": 0,
        "base_handling_cost": money(Decimal(0)),
        "handling_cost_ex_tax": money(Decimal(0)),
        "handling_cost_inc_tax": money(Decimal(0)),
        "handling_cost_tax": money(Decimal(0)),
        "handling_cost_tax_class_id": 0,
        "base_wrapping_cost": money(Decimal(0)),
        "wrapping_cost_ex_tax": money(Decimal(0)),
        "wrapping_cost_inc_tax": money(Decimal(0)),
        "wrapping_cost_tax": money(Decimal(0)),
        "wrapping_cost_tax_class_id": 0,
        "total_ex_tax": money(total_ex),
        "total_inc_tax": money(total_inc),
        "total_tax": money(total_tax),
        "discount_amount": money(Decimal(0)),
        "coupon_discount": money(discount),
        "store_credit_amount": money(Decimal(0)),
        "gift_certificate_amount": money(Decimal(0)),
        "refunded_amount": money(Decimal(0)),
        "is_tax_inclusive_pricing": False,
        "tax_provider_id": "BasicTaxProvider",
        "currency_id": 2 if eur else 1,
        "currency_code": "EUR" if eur else "USD",
        "currency_exchange_rate": "0.9200000000" if eur else "1.0000000000",
        "default_currency_id": 2 if eur else 1,
        "default_currency_code": "EUR" if eur else "USD",
        "store_default_currency_code": "USD",
        "store_default_to_transactional_exchange_rate": "0.9200000000" if eur else "1.0000000000",
        "payment_method": "Credit Card" if status not in (0, 1) else "",
        "payment_provider_id": "",
        "payment_status": payment_status(status),
        "billing_address": billing,
        "customer_message": "",
        "staff_notes": "",
        "ip_address": "192.0.2.10",
        "ip_address_v6": "",
        "geoip_country": address["country"],
        "geoip_country_iso2": country,
        "is_email_opt_in": rng.random() < 0.4,
        "is_deleted": False,
        "items_total": item_count,
        "items_shipped": items_shipped,
        "order_is_digital": False,
        "shipping_address_count": 1,
        "products": _link(order_id, "products"),
        "shipping_addresses": _link(order_id, "shipping_addresses"),
        "coupons": _link(order_id, "coupons"),
    }
    record["products"] = [
        order_product(order_id, address_id, line, status, line in shipped_lines) for line in lines
    ]
    shipping_address = {key: value for key, value in billing.items() if key != "form_fields"}
    record["shipping_addresses"] = [
        {
            "id": address_id,
            "order_id": order_id,
            **shipping_address,
            "form_fields": [],
            "items_total": item_count,
            "items_shipped": items_shipped,
            "shipping_method": "Standard Shipping",
            "base_cost": money(shipping),
            "cost_ex_tax": money(shipping),
            "cost_inc_tax": money(shipping + shipping_tax),
            "cost_tax": money(shipping_tax),
            "cost_tax_class_id": 0,
            "base_handling_cost": money(Decimal(0)),
            "handling_cost_ex_tax": money(Decimal(0)),
            "handling_cost_inc_tax": money(Decimal(0)),
            "handling_cost_tax": money(Decimal(0)),
            "handling_cost_tax_class_id": 0,
            "shipping_zone_id": 1,
            "shipping_zone_name": address["country"],
        }
    ]
    record["shipments"] = (
        [shipment(rng, order_id * 10 + 1, record, shipped_lines, created)] if shipped_lines else []
    )
    record["coupons"] = (
        [
            {
                "id": order_id,
                "coupon_id": 7,
                "order_id": order_id,
                "code": "SAVE10",
                "amount": 10,
                "type": 1,
                "discount": float(discount),
            }
        ]
        if has_coupon
        else []
    )
    record["taxes"] = [
        {
            "id": order_id * 10 + 1,
            "order_id": order_id,
            "order_address_id": address_id,
            "tax_rate_id": 1,
            "tax_class_id": 0,
            "name": "VAT" if country not in TAX_RATES else "Sales Tax",
            "class": "Default Tax Class",
            "rate": money(tax_rate * 100),
            "priority": 0,
            "priority_amount": money(total_tax),
            "line_amount": money(total_tax),
            "order_product_id": "",
            "line_item_type": "item",
        }
    ]
    record["transactions"] = transactions(
        order_id, status, total_inc, record["order"]["currency_code"], created
    )
    record["refunds"] = refunds(order_id, status, record["products"], total_inc, created)
    return record


def _link(order_id: int, sub: str) -> dict[str, str]:
    return {
        "url": f"https://api.bigcommerce.com/stores/simstore1/v2/orders/{order_id}/{sub}",
        "resource": f"/orders/{order_id}/{sub}",
    }
