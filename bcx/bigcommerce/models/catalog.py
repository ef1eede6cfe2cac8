"""Catalog v3: products with variants and custom fields; price lists, records and assignments."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from bcx.bigcommerce.models.common import BcModel, Money, OptionalBcDatetime


class CustomField(BcModel):
    id: int | None = None
    name: str
    value: str


class OptionValue(BcModel):
    id: int | None = None
    label: str = ""
    option_id: int | None = None
    option_display_name: str = ""


class Variant(BcModel):
    """``GET /v3/catalog/products/{id}/variants`` entry; prices ``None`` inherit the product's."""

    id: int
    product_id: int
    sku: str = ""
    price: Money | None = None
    sale_price: Money | None = None
    retail_price: Money | None = None
    calculated_price: Money | None = None
    inventory_level: int | None = None
    purchasing_disabled: bool = False
    option_values: list[OptionValue] = Field(default_factory=list)


class CustomUrl(BcModel):
    url: str = ""
    is_customized: bool = False


class ProductImage(BcModel):
    """An ``include=images`` entry of a product."""

    id: int | None = None
    is_thumbnail: bool = False
    sort_order: int = 0
    description: str = ""
    url_standard: str = ""
    url_thumbnail: str = ""


class Product(BcModel):
    """``GET /v3/catalog/products/{id}``."""

    id: int
    name: str
    type: str = "physical"
    sku: str = ""
    description: str = ""
    price: Money = Decimal(0)
    sale_price: Money = Decimal(0)
    retail_price: Money = Decimal(0)
    cost_price: Money = Decimal(0)
    calculated_price: Money | None = None
    categories: list[int] = Field(default_factory=list)
    brand_id: int = 0
    inventory_level: int = 0
    inventory_tracking: str = "none"
    availability: str = "available"
    is_visible: bool = True
    is_featured: bool = False
    warranty: str = ""
    custom_url: CustomUrl | None = None
    date_created: OptionalBcDatetime = None
    date_modified: OptionalBcDatetime = None
    base_variant_id: int | None = None
    variants: list[Variant] = Field(default_factory=list)
    custom_fields: list[CustomField] = Field(default_factory=list)
    images: list[ProductImage] = Field(default_factory=list)


class ProductCategories(BcModel):
    """``GET /v3/catalog/products?id:in=…&include_fields=categories,type`` entry: what routing needs."""

    id: int
    categories: list[int] = Field(default_factory=list)
    type: str = "physical"


class PriceListRecord(BcModel):
    """``GET /v3/pricelists/{id}/records`` entry: one variant's price in one currency."""

    price_list_id: int
    variant_id: int
    product_id: int | None = None
    sku: str = ""
    currency: str
    price: Money | None = None
    sale_price: Money | None = None
    retail_price: Money | None = None
    calculated_price: Money | None = None
    date_modified: OptionalBcDatetime = None


class PriceListAssignment(BcModel):
    """``GET /v3/pricelists/assignments`` entry: which customer group/channel a price list applies to."""

    id: int
    price_list_id: int
    customer_group_id: int | None = None
    channel_id: int | None = None


class ProductSnapshot(BcModel):
    """A product with variants, custom fields and its price-list records (all lists, all currencies)."""

    product: Product
    price_records: list[PriceListRecord] = Field(default_factory=list)
