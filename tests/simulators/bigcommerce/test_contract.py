"""Every simulator response for the endpoints bcx uses conforms to the official BigCommerce OpenAPI schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from simulators.bigcommerce.app import create_app
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.gen_catalog import cart_id, cart_token
from tests.simulators.bigcommerce.openapi import (
    CONTRADICTIONS,
    Contradiction,
    load_spec,
    raw_validation_errors,
    validation_errors,
)

STORE = "simstore1"
REST = {"X-Auth-Token": "sim-access-token"}
B2B = {"X-Auth-Token": "sim-access-token", "X-Store-Hash": STORE}


@pytest.fixture(scope="module")
def app() -> Starlette:
    return create_app(SimulatorConfig(orders=60, customers=80, companies=6))


@pytest.fixture(scope="module")
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        hook = test_client.post(
            f"/stores/{STORE}/v3/hooks",
            headers=REST,
            json={
                "scope": "store/order/*",
                "destination": "https://bridge.example.com/hooks",
                "headers": {"X-S": "1"},
            },
        )
        assert hook.status_code == 200
        yield test_client


# (spec file, spec path, method, status, request path, query) — one line per endpoint bcx calls
ORDER_CASES = [
    (order_id, sub)
    for order_id in (1, 3, 4, 5, 13, 15)  # statuses 0, 2, 3, 4, 12, 14: empty and full sub-collections
    for sub in ("", "/products", "/shipping_addresses", "/shipments", "/coupons", "/taxes")
]
V3_CASES: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("orders.v3.yml", "/orders/{order_id}/transactions", "/orders/5/transactions", "200", {}),
    (
        "orders.v3.yml",
        "/orders/{order_id}/payment_actions/refunds",
        "/orders/5/payment_actions/refunds",
        "200",
        {},
    ),
    (
        "orders.v3.yml",
        "/orders/payment_actions/refunds/{refund_id}",
        "/orders/payment_actions/refunds/51",
        "200",
        {},
    ),
    (
        "orders.v3.yml",
        "/orders/payment_actions/refunds",
        "/orders/payment_actions/refunds",
        "200",
        {"order_id:in": "5,15"},
    ),
    (
        "customers.v3.yml",
        "/customers",
        "/customers",
        "200",
        {"include": "addresses,attributes,formfields,storecredit"},
    ),
    ("customers.v3.yml", "/customers", "/customers", "200", {"id:in": "3", "include": "attributes"}),
    ("customers.v3.yml", "/customers/attributes", "/customers/attributes", "200", {}),
    (
        "customers.v3.yml",
        "/customers/attribute-values",
        "/customers/attribute-values",
        "200",
        {"customer_id:in": "1,2"},
    ),
    (
        "customers.v3.yml",
        "/customers/form-field-values",
        "/customers/form-field-values",
        "200",
        {"customer_id": "4"},
    ),
    (
        "products_catalog.v3.yml",
        "/catalog/products/{product_id}",
        "/catalog/products/3",
        "200",
        {"include": "variants,custom_fields"},
    ),
    ("products_catalog.v3.yml", "/catalog/products", "/catalog/products", "200", {"include": "variants"}),
    (
        "products_catalog.v3.yml",
        "/catalog/products",
        "/catalog/products",
        "200",
        {"id:in": "3,5,7", "include_fields": "categories,type", "limit": "250"},
    ),
    (
        "products_catalog.v3.yml",
        "/catalog/products/{product_id}/custom-fields",
        "/catalog/products/3/custom-fields",
        "200",
        {},
    ),
    (
        "product-variants_catalog.v3.yml",
        "/catalog/products/{product_id}/variants",
        "/catalog/products/3/variants",
        "200",
        {},
    ),
    ("price_lists.v3.yml", "/pricelists", "/pricelists", "200", {}),
    (
        "price_lists.v3.yml",
        "/pricelists/{price_list_id}/records",
        "/pricelists/2/records",
        "200",
        {"product_id:in": "3"},
    ),
    ("price_lists.v3.yml", "/pricelists/assignments", "/pricelists/assignments", "200", {}),
    ("webhooks.v3.yml", "/hooks", "/hooks", "200", {}),
    ("webhooks.v3.yml", "/hooks/{webhook_id}", "/hooks/1", "200", {}),
    ("webhooks.v3.yml", "/hooks/admin", "/hooks/admin", "200", {}),
    ("pages.v3.yml", "/content/pages", "/content/pages", "200", {"include": "body"}),
    ("pages.v3.yml", "/content/pages/{pageId}", "/content/pages/1", "200", {}),
]
B2B_CASES = [
    ("company.yaml", "/companies/{companyId}", "/api/v3/io/companies/2", {}),
    ("company.yaml", "/companies", "/api/v3/io/companies", {}),
    ("payment.yaml", "/companies/{companyId}/credit", "/api/v3/io/companies/2/credit", {}),
    ("payment.yaml", "/companies/{companyId}/payment-terms", "/api/v3/io/companies/2/payment-terms", {}),
    ("extra/b2b/user.yaml", "/users", "/api/v3/io/users", {"companyId": "2", "limit": "250"}),
    ("extra/b2b/user.yaml", "/users", "/api/v3/io/users", {}),
    ("invoice-management.yaml", "/invoices", "/api/v3/io/ip/invoices", {"customerId": "2"}),
    ("invoice-management.yaml", "/invoices/{invoiceId}", "/api/v3/io/ip/invoices/21", {}),
]


def _check(spec: str, path: str, method: str, status: str, body: Any) -> None:
    errors = validation_errors(spec, path, method, status, body)
    assert errors == [], f"{method.upper()} {path}: {errors[:5]}"


class TestRestV2Contract:
    @pytest.mark.parametrize(("order_id", "sub"), ORDER_CASES)
    def test_order_and_sub_resources_match_the_orders_v2_spec(
        self, client: TestClient, order_id: int, sub: str
    ) -> None:
        """Orders of several statuses and each sub-collection validate; an empty one answers 204 only where
        the spec documents a 204 for it (shipments), else 200 with an empty list."""
        path = "/orders/{order_id}" + sub
        response = client.get(f"/stores/{STORE}/v2/orders/{order_id}{sub}", headers=REST)
        documented = load_spec("orders.v2.oas2.yml")["paths"][path]["get"]["responses"]
        assert str(response.status_code) in documented, f"{response.status_code} is not documented for {path}"
        if response.status_code == 204:
            return
        _check("orders.v2.oas2.yml", path, "get", "200", response.json())

    def test_empty_sub_collections_answer_what_the_spec_documents(self, client: TestClient) -> None:
        """Order 1 (incomplete) has no shipments (204, documented) and no coupons (200 [], only 200 is)."""
        shipments = client.get(f"/stores/{STORE}/v2/orders/1/shipments", headers=REST)
        coupons = client.get(f"/stores/{STORE}/v2/orders/1/coupons", headers=REST)
        assert (shipments.status_code, coupons.status_code, coupons.json()) == (204, 200, [])

    def test_order_list_matches_the_spec(self, client: TestClient) -> None:
        """GET /v2/orders filtered by modification date validates as a list of orders."""
        response = client.get(
            f"/stores/{STORE}/v2/orders", headers=REST, params={"min_date_modified": "2025-06-01"}
        )
        assert response.status_code == 200
        _check("orders.v2.oas2.yml", "/orders", "get", "200", response.json())

    def test_single_shipment_matches_the_spec(self, client: TestClient) -> None:
        """GET /v2/orders/{id}/shipments/{id} validates against the shipment schema."""
        response = client.get(f"/stores/{STORE}/v2/orders/3/shipments/31", headers=REST)
        assert response.status_code == 200
        _check(
            "orders.v2.oas2.yml", "/orders/{order_id}/shipments/{shipment_id}", "get", "200", response.json()
        )

    def test_store_information_and_customer_group_match_their_specs(self, client: TestClient) -> None:
        """GET /v2/store and GET /v2/customer_groups/{id} validate."""
        _check(
            "store_information.v2.yml",
            "/store",
            "get",
            "200",
            client.get(f"/stores/{STORE}/v2/store", headers=REST).json(),
        )
        group = client.get(f"/stores/{STORE}/v2/customer_groups/2", headers=REST).json()
        _check("customers.v2.yml", "/customer_groups/{customer_group_id}", "get", "200", group)

    def test_customer_group_list_matches_the_spec(self, client: TestClient) -> None:
        """GET /v2/customer_groups (what the enricher reads once per store) validates as a list of groups and
        pages with page/limit (an empty page is 200 [], the only status the spec documents)."""
        response = client.get(f"/stores/{STORE}/v2/customer_groups", headers=REST, params={"limit": 250})
        assert response.status_code == 200
        _check("customers.v2.yml", "/customer_groups", "get", "200", response.json())
        second = client.get(
            f"/stores/{STORE}/v2/customer_groups", headers=REST, params={"page": 2, "limit": 2}
        )
        beyond = client.get(f"/stores/{STORE}/v2/customer_groups", headers=REST, params={"page": 9})
        assert [g["id"] for g in second.json()] == [g["id"] for g in response.json()][2:4]
        assert (beyond.status_code, beyond.json()) == (200, [])


class TestRestV3Contract:
    @pytest.mark.parametrize(("spec", "path", "url", "status", "query"), V3_CASES)
    def test_v3_endpoint_matches_its_spec(
        self, client: TestClient, spec: str, path: str, url: str, status: str, query: dict[str, str]
    ) -> None:
        """Each v3 read bcx uses answers a body valid under the official response schema."""
        response = client.get(f"/stores/{STORE}/v3{url}", headers=REST, params=query)
        assert response.status_code == int(status), response.text
        _check(spec, path, "get", status, response.json())

    def test_cart_and_abandoned_cart_match_their_specs(self, app: Starlette, client: TestClient) -> None:
        """GET /v3/carts/{id} and GET /v3/abandoned-carts/{token} validate."""
        cart = cart_id(app.state.sim.stores[STORE].seed, 2)
        response = client.get(f"/stores/{STORE}/v3/carts/{cart}", headers=REST)
        assert response.status_code == 200
        _check("carts.v3.yml", "/carts/{cartId}", "get", "200", response.json())
        token = client.get(f"/stores/{STORE}/v3/abandoned-carts/{cart_token(cart)}", headers=REST)
        _check("abandoned_carts.v3.yml", "/abandoned-carts/{token}", "get", "200", token.json())

    def test_writes_answer_with_documented_bodies(self, client: TestClient) -> None:
        """Creating a page, a hook, a refund and updating a hook answer with spec-valid bodies."""
        new_page = {"type": "page", "name": "Warranty", "body": "<p>w</p>", "url": "/warranty/"}
        page = client.post(
            f"/stores/{STORE}/v3/content/pages", headers=REST, params={"include": "body"}, json=new_page
        )
        assert page.status_code == 201
        _check("pages.v3.yml", "/content/pages", "post", "201", page.json())
        hook = client.put(f"/stores/{STORE}/v3/hooks/1", headers=REST, json={"is_active": True})
        _check("webhooks.v3.yml", "/hooks/{webhook_id}", "put", "200", hook.json())
        products = client.get(f"/stores/{STORE}/v2/orders/11/products", headers=REST).json()
        refund = client.post(
            f"/stores/{STORE}/v3/orders/11/payment_actions/refunds",
            headers=REST,
            json={"items": [{"item_type": "PRODUCT", "item_id": products[0]["id"], "quantity": 1}]},
        )
        assert refund.status_code == 201
        _check("orders.v3.yml", "/orders/{order_id}/payment_actions/refunds", "post", "201", refund.json())


class TestB2bContract:
    @pytest.mark.parametrize(("spec", "path", "url", "query"), B2B_CASES)
    def test_b2b_endpoint_matches_its_spec(
        self, client: TestClient, spec: str, path: str, url: str, query: dict[str, str]
    ) -> None:
        """Each B2B Edition read answers a body valid under the bundled official schema."""
        response = client.get(url, headers=B2B, params=query)
        assert response.status_code == 200, response.text
        _check(spec if spec.startswith("extra/") else f"b2b/{spec}", path, "get", "200", response.json())


class TestCompanyUsers:
    def test_users_of_a_company_are_its_two_customers(self, client: TestClient) -> None:
        """GET /users?companyId=2 lists customers 3 (admin) and 4 (senior buyer), each naming the company."""
        response = client.get("/api/v3/io/users", headers=B2B, params={"companyId": "2"})
        body = response.json()
        assert [(u["customerId"], u["role"], u["companyId"]) for u in body["data"]] == [(3, 0, 2), (4, 1, 2)]
        assert body["meta"]["pagination"]["totalCount"] == 2

    def test_a_bad_company_filter_is_a_documented_422(self, client: TestClient) -> None:
        """A non-numeric companyId answers 422 with the documented Parameter Error body."""
        response = client.get("/api/v3/io/users", headers=B2B, params={"companyId": "x"})
        assert response.status_code == 422
        _check("extra/b2b/user.yaml", "/users", "get", "422", response.json())


class TestSpecContradictions:
    @pytest.mark.parametrize("known", CONTRADICTIONS, ids=lambda c: f"{c.spec}:{c.location}")
    def test_recorded_contradiction_still_holds(self, known: Contradiction) -> None:
        """Each contradiction the contract checks set aside is real: the evidence the spec itself documents
        fails the spec in exactly that way (a corrected spec makes this fail: then drop the entry)."""
        errors = raw_validation_errors(known.spec, known.path, "get", "200", known.evidence)
        assert any(re.search(known.location, where) and known.message in msg for where, msg in errors), (
            known.reason
        )

    def test_discount_rules_alternatives_cannot_be_told_apart(self) -> None:
        """Even a well-formed price-list rule matches every oneOf alternative of discount_rules."""
        rule = {"id": 1, "name": "W", "discount_rules": [{"type": "price_list", "price_list_id": 3}]}
        errors = raw_validation_errors(
            "customers.v2.yml", "/customer_groups/{customer_group_id}", "get", "200", rule
        )
        assert any("is valid under each of" in msg for _, msg in errors)
