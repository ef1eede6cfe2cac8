"""``commerce.products.v1``: a product with variants, custom fields, images and price-list records.

``price_records`` holds the product's variants' prices in every price list and currency; a variant price
that is null inherits the product's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis
from bcx.contracts.commerce_common import DecimalText, SnapshotEnvelope

TOPIC = "commerce.products.v1"
ENTITY_TYPE = "product"


class CustomField(Record):
    id: int | None = None
    name: str
    value: str


class OptionValue(Record):
    id: int | None = None
    label: str = ""
    option_id: int | None = None
    option_display_name: str = ""


class Variant(Record):
    id: int
    product_id: int
    sku: str = ""
    price: DecimalText | None = None
    sale_price: DecimalText | None = None
    retail_price: DecimalText | None = None
    calculated_price: DecimalText | None = None
    inventory_level: int | None = None
    purchasing_disabled: bool = False
    option_values: list[OptionValue] = Field(default_factory=list)


class ProductImage(Record):
    id: int | None = None
    is_thumbnail: bool = False
    sort_order: int = 0
    description: str = ""
    url_standard: str = ""
    url_thumbnail: str = ""


class Product(Record):
    id: int
    name: str
    type: str = "physical"
    sku: str = ""
    description: str = ""
    price: DecimalText = Decimal(0)
    sale_price: DecimalText = Decimal(0)
    retail_price: DecimalText = Decimal(0)
    cost_price: DecimalText = Decimal(0)
    calculated_price: DecimalText | None = None
    categories: list[int] = Field(default_factory=list)
    brand_id: int = 0
    inventory_level: int = 0
    inventory_tracking: str = "none"
    availability: str = "available"
    is_visible: bool = True
    is_featured: bool = False
    warranty: str = ""
    custom_url: str = ""
    date_created: UtcMillis | None = None
    date_modified: UtcMillis | None = None
    base_variant_id: int | None = None
    variants: list[Variant] = Field(default_factory=list)
    custom_fields: list[CustomField] = Field(default_factory=list)
    images: list[ProductImage] = Field(default_factory=list)


class PriceListRecord(Record):
    price_list_id: int
    variant_id: int
    product_id: int | None = None
    sku: str = ""
    currency: str
    price: DecimalText | None = None
    sale_price: DecimalText | None = None
    retail_price: DecimalText | None = None
    calculated_price: DecimalText | None = None
    date_modified: UtcMillis | None = None


class ProductSnapshotRecord(SnapshotEnvelope):
    """One product's full state; ``product`` is null when ``deleted``."""

    VERSION_DOC: ClassVar[str] = "Snapshot version: the product's date_modified."

    product: Product | None = None
    price_records: list[PriceListRecord] = Field(default_factory=list)
