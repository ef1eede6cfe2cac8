"""Personalised catalog content, pure: which products a customer's catalog shows, at which prices.

Products: the customer's own categories first (when the campaign says so), then the campaign's
categories; visible products only, featured first; at most ``max_items``. Prices: the customer group's
price list when the campaign maps the group to one (BigCommerce price-list records carried in the product
snapshot), else the product's sale price when it is on sale, else its price.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from bcx.contracts.commerce_products import ProductSnapshotRecord
from bcx.contracts.marketing_profiles import MarketingProfile
from consumers.marketing.campaign import Products

#: (store_hash, category) → visible products in it as (not featured, id): featured first, then by id
ProductIndex = dict[tuple[str, int], list[tuple[bool, int]]]


def index(products: Iterable[ProductSnapshotRecord]) -> ProductIndex:
    """Built once per run, so choosing each recipient's products does not scan the whole catalogue."""
    found: ProductIndex = {}
    for snap in products:
        product = snap.product
        if product is None or not product.is_visible:
            continue
        for category in product.categories:
            found.setdefault((snap.store_hash, category), []).append((not product.is_featured, product.id))
    for entries in found.values():
        entries.sort()
    return found


def select_products(rules: Products, profile: MarketingProfile, products: ProductIndex) -> list[int]:
    wanted = [*(profile.category_ids if rules.from_customer_categories else []), *rules.categories]
    chosen: list[int] = []
    for category in dict.fromkeys(wanted):  # the customer's categories first, each once
        for _, product_id in products.get((profile.store_hash, category), ()):
            if product_id not in chosen:
                chosen.append(product_id)
                if len(chosen) >= rules.max_items:
                    return chosen
    return chosen


def price_of(snap: ProductSnapshotRecord, price_list_id: int | None) -> Decimal:
    product = snap.product
    assert product is not None
    if price_list_id is not None:
        for record in snap.price_records:
            if record.price_list_id == price_list_id and record.variant_id == product.base_variant_id:
                best = record.sale_price or record.price
                if best is not None:
                    return best
    return product.sale_price if 0 < product.sale_price < product.price else product.price


def catalog_lines(
    product_ids: Iterable[int], products: Mapping[int, ProductSnapshotRecord], price_list_id: int | None
) -> list[dict[str, Any]]:
    lines = []
    for product_id in product_ids:
        snap = products.get(product_id)
        if snap is None or snap.product is None:
            continue  # deleted since the run chose it
        product = snap.product
        lines.append(
            {
                "id": product.id,
                "name": product.name,
                "sku": product.sku,
                "price": str(price_of(snap, price_list_id)),
                "list_price": str(product.price),
                "url": product.custom_url,
                "image": product.images[0].url_standard if product.images else "",
            }
        )
    return lines
