"""The typed models read BigCommerce's own payloads: money as Decimal, its date formats, extra fields kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from bcx.bigcommerce.errors import InvalidResponse
from bcx.bigcommerce.models import (
    Cart,
    Company,
    CompanyCredit,
    Customer,
    CustomerGroup,
    CustomerSnapshot,
    HooksAdmin,
    Invoice,
    Order,
    OrderCoupon,
    OrderProduct,
    OrderTax,
    Page,
    PaymentTerms,
    PriceListRecord,
    Product,
    Refund,
    Shipment,
    ShippingAddress,
    StoreInformation,
    Transaction,
    Variant,
    Webhook,
    WebhookCallback,
)
from bcx.bigcommerce.models.common import format_rfc2822, parse_bc_datetime
from bcx.bigcommerce.tolerant import parse_tolerant
from tests.simulators.bigcommerce.openapi import documented_examples
from tests.support.required import reference_file, reference_files


class TestCommonTypes:
    def test_v2_money_strings_become_exact_decimals(self) -> None:
        """ "62.6793" stays 62.6793 exactly, never a float."""
        order = Order.model_validate(
            {"id": 1, "status_id": 11, "total_inc_tax": "62.6793", "subtotal_ex_tax": ""}
        )
        assert order.total_inc_tax == Decimal("62.6793")
        assert order.subtotal_ex_tax == Decimal(0)

    def test_v3_numbers_become_decimals_without_float_noise(self) -> None:
        """A JSON number 0.1 becomes Decimal('0.1')."""
        assert Transaction.model_validate(
            {
                "id": 1,
                "event": "purchase",
                "method": "credit_card",
                "amount": 0.1,
                "currency": "USD",
                "gateway": "x",
            }
        ).amount == Decimal("0.1")

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("Tue, 20 Nov 2012 00:00:00 +0000", datetime(2012, 11, 20, tzinfo=UTC)),
            ("2019-08-23T15:17:07Z", datetime(2019, 8, 23, 15, 17, 7, tzinfo=UTC)),
            ("2019-08-23T15:17:07", datetime(2019, 8, 23, 15, 17, 7, tzinfo=UTC)),
            (1561479335, datetime(2019, 6, 25, 16, 15, 35, tzinfo=UTC)),
            ("1561479335", datetime(2019, 6, 25, 16, 15, 35, tzinfo=UTC)),
            ("", None),
        ],
    )
    def test_dates_in_every_bigcommerce_format(self, raw: Any, expected: datetime | None) -> None:
        """RFC 2822 (v2), ISO 8601 (v3), unix seconds (B2B) and empty strings all parse."""
        assert parse_bc_datetime(raw) == expected

    def test_rfc2822_round_trip(self) -> None:
        """The v2 filter format is the one BigCommerce documents."""
        assert format_rfc2822(datetime(2012, 11, 20, tzinfo=UTC)) == "Tue, 20 Nov 2012 00:00:00 +0000"

    def test_undeclared_fields_are_kept(self) -> None:
        """A field BigCommerce adds later survives parsing in model_extra."""
        order = Order.model_validate({"id": 1, "status_id": 0, "brand_new_field": {"x": 1}})
        assert order.model_extra == {"brand_new_field": {"x": 1}}

    def test_empty_v2_dates_are_none(self) -> None:
        """date_shipped "" (not shipped) parses to None."""
        assert Order.model_validate({"id": 1, "status_id": 11, "date_shipped": ""}).date_shipped is None


class TestEntityModels:
    def test_b2b_company_reads_camel_case_and_string_numbers(self) -> None:
        """companyStatus "1", bcGroupId "4" and createdAt seconds become typed fields."""
        company = Company.model_validate(
            {
                "companyId": 7,
                "companyName": "Acme",
                "companyStatus": "1",
                "bcGroupId": "4",
                "createdAt": "1700000000",
            }
        )
        assert (company.company_id, company.company_status, company.bc_group_id) == (7, 1, 4)
        assert company.created_at == datetime.fromtimestamp(1700000000, tz=UTC)

    def test_invoice_balances_are_decimal(self) -> None:
        """Invoice open balance {code, value} keeps the amount exact."""
        invoice = Invoice.model_validate(
            {
                "id": 1,
                "customerId": "7",
                "originalBalance": {"code": "USD", "value": "100.10"},
                "openBalance": {"code": "USD", "value": "20.05"},
                "dueDate": 1700000000,
            }
        )
        assert invoice.open_balance.value == Decimal("20.05")

    def test_customer_preferences_come_from_attributes_then_form_fields(self) -> None:
        """A named attribute wins; a form field of that name is the fallback."""
        customer = Customer.model_validate(
            {"id": 3, "form_fields": [{"name": "preferred_language", "value": "de", "customer_id": 3}]}
        )
        snapshot = CustomerSnapshot(customer=customer, attributes={"document_delivery": "print"})
        assert snapshot.preference("document_delivery") == "print"
        assert snapshot.preference("preferred_language") == "de"
        assert snapshot.preference("missing") is None


CALLBACKS = reference_files("bigcommerce", "webhook-callbacks", keep=lambda p: p.stat().st_size > 2)


class TestWebhookCallbacks:
    @pytest.mark.parametrize("path", CALLBACKS, ids=lambda p: p.stem)
    def test_every_official_callback_example_parses(self, path: Path) -> None:
        """Each official example body parses into the envelope, store hash taken from producer."""
        callback = WebhookCallback.model_validate(json.loads(reference_file(path).read_text()))
        assert callback.scope.startswith("store/")
        assert callback.store_hash == "{store_hash}"

    def test_integer_store_id_of_old_docs_is_accepted(self) -> None:
        """store_id sent as a JSON number (older documentation) becomes a string."""
        body = {"scope": "store/order/created", "store_id": 11111, "data": {}, "hash": "h", "created_at": 1,
                "producer": "stores/abc"}  # fmt: skip
        assert WebhookCallback.model_validate(body).store_id == "11111"


def _data(example: Any) -> Any:
    return example["data"] if isinstance(example, dict) and "data" in example else example


def _items(example: Any) -> list[Any]:
    data = _data(example)
    return data if isinstance(data, list) else [data]


# (spec, path, method, status, model): the spec's own example bodies must parse with our models.
EXAMPLE_CASES: list[Any] = [
    ("orders.v2.oas2.yml", "/orders/{order_id}", "get", "200", Order),
    ("orders.v2.oas2.yml", "/orders", "get", "200", Order),
    ("orders.v2.oas2.yml", "/orders/{order_id}/products", "get", "200", OrderProduct),
    ("orders.v2.oas2.yml", "/orders/{order_id}/shipping_addresses", "get", "200", ShippingAddress),
    ("orders.v2.oas2.yml", "/orders/{order_id}/shipments", "get", "200", Shipment),
    ("orders.v2.oas2.yml", "/orders/{order_id}/coupons", "get", "200", OrderCoupon),
    ("orders.v2.oas2.yml", "/orders/{order_id}/taxes", "get", "200", OrderTax),
    ("orders.v3.yml", "/orders/{order_id}/transactions", "get", "200", Transaction),
    ("orders.v3.yml", "/orders/{order_id}/payment_actions/refunds", "get", "200", Refund),
    ("orders.v3.yml", "/orders/payment_actions/refunds/{refund_id}", "get", "200", Refund),
    ("customers.v2.yml", "/customer_groups/{customer_group_id}", "get", "200", CustomerGroup),
    ("carts.v3.yml", "/carts/{cartId}", "get", "200", Cart),
    ("products_catalog.v3.yml", "/catalog/products/{product_id}", "get", "200", Product),
    ("product-variants_catalog.v3.yml", "/catalog/products/{product_id}/variants", "get", "200", Variant),
    ("price_lists.v3.yml", "/pricelists/{price_list_id}/records", "get", "200", PriceListRecord),
    ("store_information.v2.yml", "/store", "get", "200", StoreInformation),
    ("pages.v3.yml", "/content/pages", "get", "200", Page),
    ("webhooks.v3.yml", "/hooks", "get", "200", Webhook),
    ("webhooks.v3.yml", "/hooks/admin", "get", "200", HooksAdmin),
    ("b2b/company.yaml", "/companies/{companyId}", "get", "200", Company),
    ("b2b/payment.yaml", "/companies/{companyId}/credit", "get", "200", CompanyCredit),
    ("b2b/payment.yaml", "/companies/{companyId}/payment-terms", "get", "200", PaymentTerms),
    ("b2b/invoice-management.yaml", "/invoices", "get", "200", Invoice),
]


class TestSpecExamples:
    @pytest.mark.parametrize(("spec", "path", "method", "status", "model"), EXAMPLE_CASES)
    def test_models_parse_the_specs_own_examples(
        self, spec: str, path: str, method: str, status: str, model: type[BaseModel]
    ) -> None:
        """Every example the official spec gives for a response bcx reads — the response's own, else one
        assembled from the schema-level examples — parses under the strict/tolerant rule."""
        examples = documented_examples(spec, path, method, status)
        assert examples, f"{spec} {path} documents no example at all"
        for example in examples:
            for item in _items(example):
                parse_tolerant(model, item, path)

    def test_the_customer_example_without_id_fails_naming_the_field(self) -> None:
        """The customers spec's example omits ``id``, which keys every customer snapshot: a strict field, so
        reading it fails with a permanent error that names it rather than publishing a keyless customer."""
        (example,) = documented_examples("customers.v3.yml", "/customers", "get", "200")
        for item in _items(example):
            with pytest.raises(InvalidResponse, match=r"Customer\.id is required"):
                parse_tolerant(Customer, item, "customers")
