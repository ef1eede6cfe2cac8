"""Parsing what BigCommerce really sends: required fields strict (a clear error naming them), every other
field tolerant (coerced when unambiguous, else dropped to its default and reported) — checked on the cases
BigCommerce's own specs produce and on random schema-valid data from those specs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from bcx.bigcommerce.errors import InvalidResponse
from bcx.bigcommerce.models import (
    Cart,
    Company,
    CompanyCredit,
    Customer,
    CustomerGroup,
    Invoice,
    Order,
    OrderCoupon,
    OrderProduct,
    OrderTax,
    PaymentTerms,
    PriceListRecord,
    Product,
    Refund,
    Shipment,
    ShippingAddress,
    StoreInformation,
    Transaction,
    Variant,
)
from bcx.bigcommerce.tolerant import parse_tolerant
from tests.bcx.bigcommerce.spec_data import from_schema
from tests.simulators.bigcommerce.openapi import response_schema


class Sink:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, entity: str, field: str) -> None:
        self.seen.append((entity, field))


def cart(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": "c-1", "currency": {"code": "USD"}, "cart_amount": 10}
    body.update(overrides)
    return body


class TestTheIssuesCases:
    def test_customer_without_id_is_a_strict_error_naming_the_field(self) -> None:
        """The spec's customer example has no id: the snapshot key depends on it, so the error names it."""
        with pytest.raises(InvalidResponse, match=r"Customer\.id is required"):
            parse_tolerant(Customer, {"email": "a@example.com"}, "customers")

    def test_cart_created_time_placeholder_is_dropped_and_counted(self) -> None:
        """A placeholder where a date belongs becomes null; the cart is kept and the loss reported."""
        sink = Sink()
        parsed = parse_tolerant(Cart, cart(created_time="string"), "cart", sink)
        assert parsed.created_time is None
        assert parsed.cart_amount == Decimal(10)
        assert sink.seen == [("Cart", "created_time")]

    def test_b2b_company_phone_as_a_number_is_kept_as_text(self) -> None:
        """A JSON number where text is declared is unambiguous: it becomes text, nothing is lost."""
        sink = Sink()
        body = {"companyId": 7, "companyName": "Acme", "companyPhone": 5551234567}
        assert parse_tolerant(Company, body, "company", sink).company_phone == "5551234567"
        assert sink.seen == []

    def test_v2_money_and_date_strings(self) -> None:
        """v2 money strings are exact decimals, RFC 2822 and empty dates parse; an unreadable amount is 0."""
        sink = Sink()
        body = {
            "id": 1,
            "status_id": 11,
            "total_inc_tax": "62.6793",
            "date_created": "Tue, 20 Nov 2012 00:00:00 +0000",
            "date_shipped": "",
            "discount_amount": "n/a",
        }
        order = parse_tolerant(Order, body, "order", sink)
        assert order.total_inc_tax == Decimal("62.6793")
        assert order.date_created is not None
        assert order.date_shipped is None
        assert order.discount_amount == Decimal(0)
        assert sink.seen == [("Order", "discount_amount")]

    def test_ids_and_quantities_as_floats(self) -> None:
        """Integral floats are ids and quantities; a fractional quantity is dropped, a fractional id fails."""
        sink = Sink()
        line = parse_tolerant(OrderProduct, {"id": 5.0, "order_id": 9.0, "quantity": 2.5}, "products", sink)
        assert (line.id, line.order_id, line.quantity) == (5, 9, 0)
        assert sink.seen == [("OrderProduct", "quantity")]
        with pytest.raises(InvalidResponse, match=r"OrderProduct\.id is required"):
            parse_tolerant(OrderProduct, {"id": 5.5, "order_id": 9}, "products")

    def test_untyped_channel_ids_items(self) -> None:
        """channel_ids with items of no declared type: numbers kept, anything else drops the list."""
        sink = Sink()
        assert parse_tolerant(Customer, {"id": 3, "channel_ids": [1, 2.0]}, "c", sink).channel_ids == [1, 2]
        assert parse_tolerant(Customer, {"id": 3, "channel_ids": ["x"]}, "c", sink).channel_ids is None
        assert sink.seen == [("Customer", "channel_ids")]

    def test_a_bad_nested_item_empties_the_nearest_optional_field(self) -> None:
        """A coupon without its code empties ``coupons``; the cart and its amounts survive."""
        sink = Sink()
        parsed = parse_tolerant(Cart, cart(coupons=[{"display_name": "20% Off"}]), "cart", sink)
        assert parsed.coupons == []
        assert sink.seen == [("Cart", "coupons")]

    def test_a_required_part_of_a_required_field_is_strict(self) -> None:
        """The cart's currency code is required all the way down: the error names the path."""
        with pytest.raises(InvalidResponse, match=r"Cart\.currency\.code is required"):
            parse_tolerant(Cart, cart(currency={}), "cart")

    def test_camel_case_b2b_fields_are_dropped_by_their_wire_name(self) -> None:
        """A B2B field given under its camelCase name is dropped as such and reported by its model name."""
        sink = Sink()
        body = {"companyId": 7, "companyName": "Acme", "createdAt": "soon"}
        assert parse_tolerant(Company, body, "company", sink).created_at is None
        assert sink.seen == [("Company", "created_at")]


# (spec, path, model): responses the enricher reads; random bodies valid for the spec's schema.
RESPONSES: list[tuple[str, str, type[BaseModel]]] = [
    ("orders.v2.oas2.yml", "/orders/{order_id}", Order),
    ("orders.v2.oas2.yml", "/orders/{order_id}/products", OrderProduct),
    ("orders.v2.oas2.yml", "/orders/{order_id}/shipping_addresses", ShippingAddress),
    ("orders.v2.oas2.yml", "/orders/{order_id}/shipments", Shipment),
    ("orders.v2.oas2.yml", "/orders/{order_id}/coupons", OrderCoupon),
    ("orders.v2.oas2.yml", "/orders/{order_id}/taxes", OrderTax),
    ("orders.v3.yml", "/orders/{order_id}/transactions", Transaction),
    ("orders.v3.yml", "/orders/{order_id}/payment_actions/refunds", Refund),
    ("customers.v3.yml", "/customers", Customer),
    ("customers.v2.yml", "/customer_groups/{customer_group_id}", CustomerGroup),
    ("carts.v3.yml", "/carts/{cartId}", Cart),
    ("products_catalog.v3.yml", "/catalog/products/{product_id}", Product),
    ("product-variants_catalog.v3.yml", "/catalog/products/{product_id}/variants", Variant),
    ("price_lists.v3.yml", "/pricelists/{price_list_id}/records", PriceListRecord),
    ("store_information.v2.yml", "/store", StoreInformation),
    ("b2b/company.yaml", "/companies/{companyId}", Company),
    ("b2b/payment.yaml", "/companies/{companyId}/credit", CompanyCredit),
    ("b2b/payment.yaml", "/companies/{companyId}/payment-terms", PaymentTerms),
    ("b2b/invoice-management.yaml", "/invoices", Invoice),
]


def body_schema(spec: str, path: str) -> Any:
    """The response schema, with the v3/B2B envelope's ``data`` always present (the client requires it)."""
    schema = response_schema(spec, path, "get", "200")
    if "data" in (schema.get("properties") or {}):
        schema = {**schema, "required": sorted({*schema.get("required", []), "data"})}
    return schema


def _items(body: Any) -> list[Any]:
    data = body["data"] if isinstance(body, dict) and "data" in body else body
    return data if isinstance(data, list) else [data]


class TestRandomSpecData:
    @pytest.mark.parametrize(("spec", "path", "model"), RESPONSES, ids=lambda c: str(c))
    def test_parsing_rule_holds_for_random_schema_valid_bodies(
        self, spec: str, path: str, model: type[BaseModel]
    ) -> None:
        """Any body the spec allows parses, or fails only on a field the model requires; every dropped
        value is reported, and the result is a valid model."""
        strategy = from_schema(body_schema(spec, path))

        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(body=strategy)
        def check(body: Any) -> None:
            for item in _items(body):
                sink = Sink()
                try:
                    parsed = parse_tolerant(model, item, path, sink)
                except InvalidResponse as exc:
                    failure = str(exc)
                else:
                    assert type(parsed).model_validate(parsed.model_dump(by_alias=True)) == parsed
                    assert all(entity == model.__name__ for entity, _ in sink.seen)
                    continue
                field = failure.split(f"{model.__name__}.", 1)[1].split(" ", 1)[0].split(".")[0]
                assert field == "(body)" or model.model_fields[field].is_required(), failure

        check()


class TestHypothesisStrategy:
    @given(st.data())
    @settings(max_examples=20, deadline=None, database=None)
    def test_generated_bodies_conform_to_the_spec(self, data: st.DataObject) -> None:
        """The random bodies are valid for the spec schema they come from (orders v2 products)."""
        from tests.simulators.bigcommerce.openapi import validation_errors

        spec, path = "orders.v2.oas2.yml", "/orders/{order_id}/products"
        body = data.draw(from_schema(response_schema(spec, path, "get", "200")))
        assert validation_errors(spec, path, "get", "200", body) == []
