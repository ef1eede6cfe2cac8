"""The typed API → contract mapping on the official spec examples: every example BigCommerce documents for a
response the enricher reads becomes a contract record that its topic's Avro schema encodes and decodes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from bcx.bigcommerce import models as api
from bcx.bigcommerce.models.b2b import Company, CompanyCredit, Invoice, PaymentTerms
from bcx.bigcommerce.models.catalog import PriceListRecord, Variant
from bcx.bigcommerce.tolerant import parse_tolerant
from bcx.contracts.commerce import snapshot_codec
from bcx.contracts.commerce_common import Trigger
from producers.enricher import mapping
from producers.enricher.to_contract import accounts, carts, customers, orders, products
from tests.simulators.bigcommerce.openapi import documented_examples

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def _items(example: Any) -> list[Any]:
    data = example["data"] if isinstance(example, dict) and "data" in example else example
    return data if isinstance(data, list) else [data]


def examples(spec: str, path: str) -> list[Any]:
    """Every item of every example the spec documents for ``GET path`` (200): the response's own examples,
    else one assembled from the schema-level ones."""
    return [item for example in documented_examples(spec, path, "get", "200") for item in _items(example)]


# (spec, path, API model, mapping function)
CASES: list[tuple[str, str, type[BaseModel], Callable[[Any], BaseModel]]] = [
    ("orders.v2.oas2.yml", "/orders/{order_id}", api.Order, orders.order),
    ("orders.v2.oas2.yml", "/orders", api.Order, orders.order),
    (
        "orders.v2.oas2.yml",
        "/orders/{order_id}/products",
        api.OrderProduct,
        lambda p: orders.order_product(p, []),
    ),
    (
        "orders.v2.oas2.yml",
        "/orders/{order_id}/shipping_addresses",
        api.ShippingAddress,
        orders.shipping_address,
    ),
    ("orders.v2.oas2.yml", "/orders/{order_id}/shipments", api.Shipment, orders.shipment),
    ("orders.v2.oas2.yml", "/orders/{order_id}/coupons", api.OrderCoupon, orders.order_coupon),
    ("orders.v2.oas2.yml", "/orders/{order_id}/taxes", api.OrderTax, orders.order_tax),
    ("orders.v3.yml", "/orders/{order_id}/transactions", api.Transaction, orders.transaction),
    ("orders.v3.yml", "/orders/{order_id}/payment_actions/refunds", api.Refund, orders.refund),
    ("customers.v2.yml", "/customer_groups/{customer_group_id}", api.CustomerGroup, customers.customer_group),
    ("carts.v3.yml", "/carts/{cartId}", api.Cart, carts.cart),
    ("products_catalog.v3.yml", "/catalog/products/{product_id}", api.Product, products.product),
    ("product-variants_catalog.v3.yml", "/catalog/products/{product_id}/variants", Variant, products.variant),
    (
        "price_lists.v3.yml",
        "/pricelists/{price_list_id}/records",
        PriceListRecord,
        products.price_list_record,
    ),
    ("b2b/company.yaml", "/companies/{companyId}", Company, accounts.company),
    ("b2b/payment.yaml", "/companies/{companyId}/credit", CompanyCredit, accounts.company_credit),
    ("b2b/payment.yaml", "/companies/{companyId}/payment-terms", PaymentTerms, accounts.payment_terms),
    ("b2b/invoice-management.yaml", "/invoices", Invoice, accounts.invoice),
]


def envelope(entity_type: str, entity_id: str) -> mapping.Envelope:
    trigger = Trigger(
        event_id="e-1", scope="store/x/updated", resource_type="x", resource_id="1", created_at=NOW
    )
    return mapping.Envelope("abc123", entity_type, entity_id, NOW, trigger, "test")


class TestOfficialExamples:
    @pytest.mark.parametrize(("spec", "path", "model", "to_contract"), CASES, ids=lambda c: str(c))
    def test_example_maps_to_a_valid_contract_record(
        self, spec: str, path: str, model: type[BaseModel], to_contract: Callable[[Any], BaseModel]
    ) -> None:
        """Each documented example parses into the API model and maps onto its contract record."""
        items = examples(spec, path)
        assert items, f"{spec} {path} documents no example at all"
        for item in items:
            record = to_contract(parse_tolerant(model, item, path))
            assert type(record).model_validate(record.model_dump()) == record

    def test_full_order_from_the_examples_encodes(self, mock_registry: Any) -> None:
        """An order snapshot assembled from the v2/v3 order examples encodes with commerce.orders.v1."""
        order = api.Order.model_validate(examples("orders.v2.oas2.yml", "/orders/{order_id}")[0])

        def parts(path: str, model: type[BaseModel], spec: str = "orders.v2.oas2.yml") -> list[Any]:
            return [model.model_validate(item) for item in examples(spec, path)]

        snapshot = api.OrderSnapshot(
            order=order,
            products=parts("/orders/{order_id}/products", api.OrderProduct),
            shipping_addresses=parts("/orders/{order_id}/shipping_addresses", api.ShippingAddress),
            shipments=parts("/orders/{order_id}/shipments", api.Shipment),
            coupons=parts("/orders/{order_id}/coupons", api.OrderCoupon),
            taxes=parts("/orders/{order_id}/taxes", api.OrderTax),
            transactions=parts("/orders/{order_id}/transactions", api.Transaction, "orders.v3.yml"),
            refunds=parts("/orders/{order_id}/payment_actions/refunds", api.Refund, "orders.v3.yml"),
        )
        record = mapping.order_record(envelope("order", str(order.id)), snapshot)
        codec = snapshot_codec("order", mock_registry)
        assert codec.decode(codec.encode(record)) == record
        assert len(record.model_dump()["products"]) == len(snapshot.products)

    def test_product_and_cart_examples_encode(self, mock_registry: Any) -> None:
        """Product and cart snapshots built from their examples encode with their topics' schemas (the cart
        example's placeholder dates are dropped by the tolerant rule)."""
        product = api.Product.model_validate(
            examples("products_catalog.v3.yml", "/catalog/products/{product_id}")[0]
        )
        made = mapping.product_record(
            envelope("product", str(product.id)), api.ProductSnapshot(product=product)
        )
        cart = parse_tolerant(api.Cart, examples("carts.v3.yml", "/carts/{cartId}")[0], "cart")
        basket = mapping.cart_record(envelope("cart", cart.id), cart, abandoned=False)
        for record in (made, basket):
            codec = snapshot_codec(record.entity_type, mock_registry)
            assert codec.decode(codec.encode(record)) == record
