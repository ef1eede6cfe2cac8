"""Carts, abandoned carts, products with variants, custom fields and price-list records."""

from __future__ import annotations

from bcx.bigcommerce.api.base import ApiGroup, data_of
from bcx.bigcommerce.models.carts import AbandonedCart, Cart
from bcx.bigcommerce.models.catalog import (
    PriceListAssignment,
    PriceListRecord,
    Product,
    ProductCategories,
    ProductSnapshot,
)
from bcx.bigcommerce.pagination import iter_v3, iter_v3_cursor

_CART_INCLUDE = "line_items.physical_items.options,line_items.digital_items.options"


class CatalogApi(ApiGroup):
    async def get_cart(self, store_hash: str, cart_id: str) -> Cart:
        """``GET /v3/carts/{id}``; converted and expired carts are :class:`NotFound` (resource ``cart``)."""
        response = await self.http.request(
            store_hash,
            "v3",
            "GET",
            f"/carts/{cart_id}",
            params={"include": _CART_INCLUDE},
            resource="cart",
            resource_id=cart_id,
        )
        return self._parse(Cart, data_of(response.body, "cart"), "cart")

    async def get_abandoned_cart(self, store_hash: str, token: str) -> AbandonedCart:
        """``GET /v3/abandoned-carts/{token}``: the cart id behind an abandoned-cart token."""
        response = await self.http.request(
            store_hash, "v3", "GET", f"/abandoned-carts/{token}", resource="abandoned_cart", resource_id=token
        )
        return self._parse(AbandonedCart, data_of(response.body, "abandoned cart"), "abandoned cart")

    async def get_product(self, store_hash: str, product_id: int) -> ProductSnapshot:
        """The product with variants and custom fields, and its records in every price list.

        ``1 + 1 + L`` calls for ``L`` price lists (usually a handful).
        """
        response = await self.http.request(
            store_hash,
            "v3",
            "GET",
            f"/catalog/products/{product_id}",
            params={"include": "variants,custom_fields,images"},
            resource="product",
            resource_id=product_id,
        )
        product = self._parse(Product, data_of(response.body, "product"), "product")
        records: list[PriceListRecord] = []
        async for price_list in iter_v3(self.http, store_hash, "/pricelists"):
            records += await self._collect(
                PriceListRecord,
                iter_v3_cursor(
                    self.http,
                    store_hash,
                    f"/pricelists/{price_list['id']}/records",
                    params={"product_id:in": str(product_id)},
                ),
                "price list records",
            )
        return ProductSnapshot(product=product, price_records=records)

    async def get_product_categories(
        self, store_hash: str, product_ids: list[int]
    ) -> list[ProductCategories]:
        """Category ids and type of the given products, in one listing per 250 ids (deleted ones absent)."""
        found: list[ProductCategories] = []
        for start in range(0, len(product_ids), 250):
            chunk = ",".join(str(i) for i in product_ids[start : start + 250])
            found += await self._collect(
                ProductCategories,
                iter_v3(
                    self.http,
                    store_hash,
                    "/catalog/products",
                    params={"id:in": chunk, "include_fields": "categories,type"},
                    limit=250,
                ),
                "product categories",
            )
        return found

    async def list_price_list_assignments(self, store_hash: str) -> list[PriceListAssignment]:
        return await self._collect(
            PriceListAssignment,
            iter_v3(self.http, store_hash, "/pricelists/assignments"),
            "price list assignments",
        )
