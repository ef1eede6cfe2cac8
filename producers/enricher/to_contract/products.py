"""Products (v3 product, variants, custom fields, images; price-list records) → ``commerce.products.v1``.

From the BigCommerce API models, field by field: a field renamed on either side fails type checking; a
value that does not fit fails the contract's validation. Pure.
"""

from __future__ import annotations

import bcx.bigcommerce.models.catalog as api
import bcx.contracts.commerce_products as contract


def custom_field(src: api.CustomField) -> contract.CustomField:
    return contract.CustomField(
        id=src.id,
        name=src.name,
        value=src.value,
    )


def option_value(src: api.OptionValue) -> contract.OptionValue:
    return contract.OptionValue(
        id=src.id,
        label=src.label,
        option_id=src.option_id,
        option_display_name=src.option_display_name,
    )


def variant(src: api.Variant) -> contract.Variant:
    return contract.Variant(
        id=src.id,
        product_id=src.product_id,
        sku=src.sku,
        price=src.price,
        sale_price=src.sale_price,
        retail_price=src.retail_price,
        calculated_price=src.calculated_price,
        inventory_level=src.inventory_level,
        purchasing_disabled=src.purchasing_disabled,
        option_values=[option_value(x) for x in src.option_values],
    )


def product_image(src: api.ProductImage) -> contract.ProductImage:
    return contract.ProductImage(
        id=src.id,
        is_thumbnail=src.is_thumbnail,
        sort_order=src.sort_order,
        description=src.description,
        url_standard=src.url_standard,
        url_thumbnail=src.url_thumbnail,
    )


def product(src: api.Product) -> contract.Product:
    return contract.Product(
        id=src.id,
        name=src.name,
        type=src.type,
        sku=src.sku,
        description=src.description,
        price=src.price,
        sale_price=src.sale_price,
        retail_price=src.retail_price,
        cost_price=src.cost_price,
        calculated_price=src.calculated_price,
        categories=src.categories,
        brand_id=src.brand_id,
        inventory_level=src.inventory_level,
        inventory_tracking=src.inventory_tracking,
        availability=src.availability,
        is_visible=src.is_visible,
        is_featured=src.is_featured,
        warranty=src.warranty,
        custom_url=src.custom_url.url if src.custom_url is not None else "",
        date_created=src.date_created,
        date_modified=src.date_modified,
        base_variant_id=src.base_variant_id,
        variants=[variant(x) for x in src.variants],
        custom_fields=[custom_field(x) for x in src.custom_fields],
        images=[product_image(x) for x in src.images],
    )


def price_list_record(src: api.PriceListRecord) -> contract.PriceListRecord:
    return contract.PriceListRecord(
        price_list_id=src.price_list_id,
        variant_id=src.variant_id,
        product_id=src.product_id,
        sku=src.sku,
        currency=src.currency,
        price=src.price,
        sale_price=src.sale_price,
        retail_price=src.retail_price,
        calculated_price=src.calculated_price,
        date_modified=src.date_modified,
    )
