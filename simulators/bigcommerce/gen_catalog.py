"""Products (variants, custom fields), price lists with records and assignments, carts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from simulators.bigcommerce.names import CATEGORIES, PRODUCT_ADJECTIVES, PRODUCT_NOUNS, SIZES
from simulators.bigcommerce.timefmt import ANCHOR, days_before_anchor, iso, rng_for

#: price lists: id, name, customer group, currencies, multiplier on the catalog price
PRICE_LISTS: tuple[tuple[int, str, int, tuple[str, ...], float], ...] = (
    (1, "Wholesale", 2, ("USD",), 0.8),
    (2, "VIP", 3, ("USD", "EUR"), 0.9),
)
EUR_PER_USD = 0.92


def product(seed: int, product_id: int) -> dict[str, Any]:
    """A v3 product with ``variants`` and ``custom_fields`` (sent only when included)."""
    rng = rng_for(seed, "product", product_id)
    category, _ = rng.choice(CATEGORIES)
    name = f"{rng.choice(PRODUCT_ADJECTIVES)} {rng.choice(PRODUCT_NOUNS[category])} {product_id}"
    price = round(rng.uniform(5, 400), 2)
    created = days_before_anchor(600 + rng.random() * 100)
    modified = created + timedelta(days=rng.random() * 200)
    sku = f"SKU-{product_id:05d}"
    sizes = SIZES[: rng.randint(1, 3)]
    variants: list[dict[str, Any]] = [
        {
            "id": product_id * 10 + k,
            "product_id": product_id,
            "sku": f"{sku}-{size}",
            "sku_id": product_id * 10 + k,
            "price": None if k == 1 else round(price * (1 + 0.1 * (k - 1)), 2),
            "sale_price": None,
            "retail_price": None,
            "cost_price": round(price * 0.5, 2),
            "calculated_price": round(price * (1 + 0.1 * (k - 1)), 2),
            "weight": None,
            "inventory_level": rng.randint(0, 500),
            "purchasing_disabled": False,
            "purchasing_disabled_message": "",
            "image_url": "",
            "upc": "",
            "mpn": "",
            "gtin": "",
            "bin_picking_number": "",
            "is_free_shipping": False,
            "option_values": [{"id": 100 + k, "label": size, "option_id": 1, "option_display_name": "Size"}],
        }
        for k, size in enumerate(sizes, start=1)
    ]
    return {
        "id": product_id,
        "name": name,
        "type": "physical",
        "sku": sku,
        "description": f"<p>{name}: a dependable choice.</p>",
        "weight": round(rng.uniform(0.1, 5), 2),
        "width": 0,
        "depth": 0,
        "height": 0,
        "price": price,
        "cost_price": round(price * 0.5, 2),
        "retail_price": round(price * 1.2, 2),
        "sale_price": 0,
        "map_price": 0,
        "calculated_price": price,
        "categories": [category],
        "brand_id": 0,
        "inventory_level": sum(int(v["inventory_level"]) for v in variants),
        "inventory_tracking": "variant",
        "is_visible": True,
        "is_featured": rng.random() < 0.1,
        "warranty": "2-year limited warranty" if category == 23 else "",
        "availability": "available",
        "condition": "New",
        "custom_url": {"url": f"/products/{product_id}/", "is_customized": False},
        "date_created": iso(created),
        "date_modified": iso(modified),
        "base_variant_id": variants[0]["id"],
        "variants": variants,
        "custom_fields": [
            {
                "id": product_id * 10 + 1,
                "name": "material",
                "value": rng.choice(("cotton", "steel", "paper")),
            },
            {"id": product_id * 10 + 2, "name": "origin", "value": rng.choice(("EU", "US", "Asia"))},
        ],
        "images": [],
    }


def price_list(price_list_id: int) -> dict[str, Any] | None:
    for pid, name, _group, _currencies, _factor in PRICE_LISTS:
        if pid == price_list_id:
            return {
                "id": pid,
                "name": name,
                "date_created": iso(days_before_anchor(800)),
                "date_modified": iso(days_before_anchor(30)),
                "active": True,
            }
    return None


def price_assignments() -> list[dict[str, Any]]:
    return [
        {"id": pid, "price_list_id": pid, "customer_group_id": group, "channel_id": 1}
        for pid, _name, group, _currencies, _factor in PRICE_LISTS
    ]


def price_records(price_list_id: int, prod: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of one product in one price list: one per variant and currency."""
    entry = next(p for p in PRICE_LISTS if p[0] == price_list_id)
    _pid, _name, _group, currencies, factor = entry
    records = []
    for variant in prod["variants"]:
        for currency in currencies:
            rate = 1.0 if currency == "USD" else EUR_PER_USD
            price = round(float(variant["calculated_price"]) * factor * rate, 2)
            records.append(
                {
                    "price_list_id": price_list_id,
                    "variant_id": variant["id"],
                    "product_id": prod["id"],
                    "sku": variant["sku"],
                    "currency": currency.lower(),
                    "price": price,
                    "sale_price": price,
                    "retail_price": price,
                    "map_price": 0,
                    "calculated_price": price,
                    "bulk_pricing_tiers": [],
                    "date_created": prod["date_created"],
                    "date_modified": prod["date_modified"],
                }
            )
    return records


def cart_id(seed: int, index: int) -> str:
    return str(uuid.UUID(int=rng_for(seed, "cart-id", index).getrandbits(128), version=4))


def cart_token(cart: str) -> str:
    return uuid.UUID(cart).hex[::-1]


def cart(seed: int, index: int, customer_count: int, product_count: int) -> dict[str, Any]:
    """A v3 cart; carts with an even index were last touched days ago (abandoned)."""
    rng = rng_for(seed, "cart", index)
    customer_id = 0 if rng.random() < 0.3 else rng.randint(1, customer_count)
    updated = ANCHOR - (timedelta(days=rng.uniform(1, 20)) if index % 2 == 0 else timedelta(minutes=5))
    items = []
    for _ in range(rng.randint(1, 3)):
        prod = product(seed, rng.randint(1, product_count))
        variant = rng.choice(prod["variants"])
        quantity = rng.randint(1, 3)
        price = float(variant["calculated_price"])
        items.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "parent_id": "",
                "variant_id": variant["id"],
                "product_id": prod["id"],
                "sku": variant["sku"],
                "name": prod["name"],
                "url": f"https://store.example.com/products/{prod['id']}/",
                "quantity": quantity,
                "taxable": True,
                "image_url": "https://store.example.com/images/placeholder.png",
                "discounts": [],
                "coupons": [],
                "discount_amount": 0,
                "coupon_amount": 0,
                "original_price": price,
                "list_price": price,
                "sale_price": price,
                "extended_list_price": round(price * quantity, 2),
                "extended_sale_price": round(price * quantity, 2),
                "is_require_shipping": True,
                "is_mutable": True,
                "added_by_promotion": False,
            }
        )
    total = round(sum(float(i["extended_sale_price"]) for i in items), 2)
    return {
        "id": cart_id(seed, index),
        "customer_id": customer_id,
        "channel_id": 1,
        "email": f"customer{customer_id}@example.com" if customer_id else f"guest{index}@example.com",
        "currency": {"code": "USD"},
        "tax_included": False,
        "base_amount": total,
        "discount_amount": 0,
        "manual_discount_amount": 0,
        "cart_amount": total,
        "coupons": [],
        "discounts": [],
        "line_items": {
            "physical_items": items,
            "digital_items": [],
            "gift_certificates": [],
            "custom_items": [],
        },
        "created_time": iso(updated - timedelta(hours=1)),
        "updated_time": iso(updated),
        "locale": "en",
        "version": 1,
    }
