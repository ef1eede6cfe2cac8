"""B2B invoice update in the simulator (``PUT /invoices/{id}``): strictly valid under invoice-management.yaml,
with the semantics the policy publisher relies on (only the fields sent change; the channel filter)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from simulators.bigcommerce.app import create_app
from simulators.bigcommerce.config import SimulatorConfig
from tests.simulators.bigcommerce.strict import request_errors, strict_errors
from tests.simulators.bigcommerce.support import STORE

B2B = {"X-Auth-Token": "sim-access-token", "X-Store-Hash": STORE}
SPEC = "b2b/invoice-management.yaml"
ONE = "/invoices/{invoiceId}"
BASE = "/api/v3/io/ip/invoices"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(SimulatorConfig(orders=5, customers=5, companies=5))) as test_client:
        yield test_client


def _check(path: str, method: str, status: str, body: Any) -> None:
    errors = strict_errors(SPEC, path, method, status, body)
    assert errors == [], errors[:5]


def _open_invoice(client: TestClient) -> dict[str, Any]:
    listed = client.get(BASE, headers=B2B, params={"status": "0", "limit": "249"}).json()["data"]
    assert listed
    invoice: dict[str, Any] = listed[0]
    return invoice


class TestInvoiceUpdate:
    def test_update_answers_the_documented_body(self, client: TestClient) -> None:
        """A terms-only body is a valid update request, answered with the spec's {code, data: {id}, meta}."""
        invoice = _open_invoice(client)
        body = {"termsConditions": "Net 30. Goods remain ours until paid."}
        assert request_errors(SPEC, ONE, "put", body) == []
        response = client.put(f"{BASE}/{invoice['id']}", headers=B2B, json=body)
        assert response.status_code == 200
        _check(ONE, "put", "200", response.json())
        assert response.json()["data"]["id"] == invoice["id"]
        read = client.get(f"{BASE}/{invoice['id']}", headers=B2B).json()
        _check(ONE, "get", "200", read)

    def test_fields_left_out_of_the_body_keep_their_values(self, client: TestClient) -> None:
        """Only termsConditions (and updatedAt) change: balances, status, details and the rest are kept."""
        invoice = _open_invoice(client)
        url = f"{BASE}/{invoice['id']}"
        before = client.get(url, headers=B2B).json()["data"]
        client.put(url, headers=B2B, json={"termsConditions": "new terms"})
        after = client.get(url, headers=B2B).json()["data"]
        assert after["termsConditions"] == "new terms"
        unchanged = {k: v for k, v in before.items() if k not in ("termsConditions", "updatedAt")}
        assert {k: after[k] for k in unchanged} == unchanged

    def test_a_paid_off_balance_completes_the_invoice(self, client: TestClient) -> None:
        """An open balance set to 0 moves the status to 2, as the spec's status field documents."""
        invoice = _open_invoice(client)
        url = f"{BASE}/{invoice['id']}"
        client.put(url, headers=B2B, json={"openBalance": {"code": "USD", "value": "0"}})
        assert client.get(url, headers=B2B).json()["data"]["status"] == 2

    @pytest.mark.parametrize("body", [{"termsConditions": 5}, {"status": "open"}, ["termsConditions"]])
    def test_a_mistyped_body_is_422_and_changes_nothing(self, client: TestClient, body: Any) -> None:
        """A field of the wrong JSON type, or a body that is not an object, is refused and nothing moves."""
        invoice = _open_invoice(client)
        url = f"{BASE}/{invoice['id']}"
        before = client.get(url, headers=B2B).json()["data"]
        assert client.put(url, headers=B2B, json=body).status_code == 422
        assert client.get(url, headers=B2B).json()["data"] == before

    def test_an_unknown_invoice_is_404(self, client: TestClient) -> None:
        """Updating an invoice id the store does not have answers 404."""
        response = client.put(f"{BASE}/999999", headers=B2B, json={"termsConditions": "x"})
        assert response.status_code == 404

    def test_the_list_filters_by_channel(self, client: TestClient) -> None:
        """channelIds keeps the invoices of the channels named (the simulator's are all on channel 1)."""
        params: dict[str, Any] = {"status": "0", "limit": "249"}
        everything = client.get(BASE, headers=B2B, params=params).json()
        _check("/invoices", "get", "200", everything)
        one = client.get(BASE, headers=B2B, params={**params, "channelIds": "1"}).json()["data"]
        other = client.get(BASE, headers=B2B, params={**params, "channelIds": "2"}).json()["data"]
        assert one == everything["data"]
        assert other == []
