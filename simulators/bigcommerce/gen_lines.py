"""Order lines and shipments of a generated order (split from :mod:`gen_orders` to keep modules small)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simulators.bigcommerce.names import CARRIERS
from simulators.bigcommerce.timefmt import rfc2822

FOUR = Decimal("0.0001")


def money(value: Decimal) -> str:
    """v2 money: a string with four decimals."""
    return str(value.quantize(FOUR, rounding=ROUND_HALF_UP))


def order_product(
    order_id: int, address_id: int, line: tuple[Any, ...], status: int, shipped: bool
) -> dict[str, Any]:
    line_id, prod, variant, quantity, price, tax = line
    refunded = quantity if status == 4 else (1 if status == 14 and line_id % 100 == 1 else 0)
    return {
        "id": line_id,
        "order_id": order_id,
        "product_id": prod["id"],
        "variant_id": variant["id"],
        "order_address_id": address_id,
        "order_pickup_method_id": 0,
        "name": prod["name"],
        "name_customer": prod["name"],
        "name_merchant": prod["name"],
        "sku": variant["sku"],
        "upc": "",
        "type": "physical",
        "base_price": money(price),
        "price_ex_tax": money(price),
        "price_inc_tax": money(price + tax),
        "price_tax": money(tax),
        "base_total": money(price * quantity),
        "total_ex_tax": money(price * quantity),
        "total_inc_tax": money((price + tax) * quantity),
        "total_tax": money(tax * quantity),
        "discounted_total_inc_tax": money((price + tax) * quantity),
        "quantity": quantity,
        "quantity_shipped": quantity if shipped else 0,
        "quantity_refunded": refunded,
        "is_refunded": refunded > 0,
        "refund_amount": money(Decimal(0)),
        "return_id": 0,
        "weight": prod["weight"],
        "product_options": [
            {
                "id": line_id,
                "option_id": 1,
                "order_product_id": line_id,
                "product_option_id": 1,
                "display_name": "Size",
                "display_value": variant["option_values"][0]["label"],
                "value": str(variant["option_values"][0]["id"]),
                "type": "Multiple choice",
                "name": "Size",
                "display_style": "Rectangle",
            }
        ],
        "applied_discounts": [],
        "configurable_fields": [],
        "is_bundled_product": False,
        "parent_order_product_id": None,
        "brand": "",
        "bin_picking_number": "",
        "event_name": None,
        "event_date": None,
        "wrapping_name": None,
        "external_id": None,
        "gift_certificate_id": None,
        "option_set_id": None,
    }


def shipment(
    rng: Any, shipment_id: int, record: dict[str, Any], shipped_lines: list[Any], created: datetime
) -> dict[str, Any]:
    carrier, carrier_name = rng.choice(CARRIERS)
    order_data = record["order"]
    address = record["shipping_addresses"][0]
    tracking = f"1Z{rng.getrandbits(40):010X}"
    keys = (
        "first_name",
        "last_name",
        "company",
        "street_1",
        "street_2",
        "city",
        "state",
        "zip",
        "country",
        "country_iso2",
        "phone",
        "email",
    )
    return {
        "id": shipment_id,
        "order_id": order_data["id"],
        "customer_id": order_data["customer_id"],
        "order_address_id": address["id"],
        "date_created": rfc2822(created + timedelta(days=1)),
        "tracking_number": tracking,
        "merchant_shipping_cost": "0.0000",
        "shipping_method": "Standard Shipping",
        "shipping_provider": "",
        "tracking_carrier": carrier,
        "tracking_link": f"https://track.example.com/{carrier}/{tracking}",
        "generated_tracking_link": f"https://track.example.com/{carrier}/{tracking}",
        "shipping_provider_display_name": carrier_name,
        "comments": "",
        "billing_address": {k: order_data["billing_address"][k] for k in keys},
        "shipping_address": {k: address[k] for k in keys},
        "items": [
            {"order_product_id": line[0], "product_id": line[1]["id"], "quantity": line[3]}
            for line in shipped_lines
        ],
    }
