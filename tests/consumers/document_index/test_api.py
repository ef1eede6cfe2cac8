"""The index's HTTP API on real PostgreSQL: the same trace as the query module, a bearer token compared in
constant time, pages, and an OpenAPI document that validates."""

from __future__ import annotations

from typing import Any, cast

import psycopg
import pytest
from openapi_schema_validator import OAS31Validator
from starlette.testclient import TestClient

from consumers.document_index.api import create_app, openapi_document
from consumers.document_index.queries import Selector, trace
from consumers.document_index.writer import Coordinates, write_result
from tests.consumers.document_index.factories import order_results

pytestmark = pytest.mark.integration
TOKEN = "s3cret-token"


@pytest.fixture
def client(index_dsn: str) -> TestClient:
    with psycopg.connect(index_dsn) as conn:
        for offset, result in enumerate(order_results("250", "42")):
            write_result(conn, result, Coordinates("documents.results.v1", 0, offset))
    return TestClient(create_app(index_dsn, TOKEN))


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestApi:
    def test_trace_matches_the_query_module(self, client: TestClient, index_dsn: str) -> None:
        """GET /v1/trace?order= returns exactly what the shared query returns."""
        response = client.get("/v1/trace", params={"order": "250"}, headers=auth())
        assert response.status_code == 200
        with psycopg.connect(index_dsn) as conn:
            expected = trace(conn, Selector(order="250"))
        assert response.json() == expected.model_dump(mode="json")

    def test_pages(self, client: TestClient) -> None:
        """limit=2 gives two documents and a cursor that leads to the last one."""
        first = client.get("/v1/trace", params={"customer": "42", "limit": 2}, headers=auth()).json()
        second = client.get(
            "/v1/trace", params={"customer": "42", "limit": 2, "cursor": first["next_cursor"]}, headers=auth()
        ).json()
        assert (len(first["documents"]), len(second["documents"]), second["next_cursor"]) == (2, 1, None)

    @pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
    def test_requires_the_bearer_token(self, client: TestClient, headers: dict[str, str]) -> None:
        """Without the exact bearer token every /v1 call is 401 with a Bearer challenge."""
        response = client.get("/v1/trace", params={"order": "250"}, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"

    def test_bad_selection_is_400_and_unknown_document_404(self, client: TestClient) -> None:
        """Two selectors at once are refused; an unknown key is not found."""
        assert (
            client.get("/v1/trace", params={"order": "1", "customer": "2"}, headers=auth()).status_code == 400
        )
        assert client.get("/v1/documents/nope:1", headers=auth()).status_code == 404

    def test_one_document_by_key(self, client: TestClient) -> None:
        """A key with colons is found through the path."""
        key = "order_documents:abc123:order:250:order_invoice:1"
        body: dict[str, Any] = client.get(f"/v1/documents/{key}", headers=auth()).json()
        assert body["idempotency_key"] == key
        assert body["status"] == "FAILED"


class TestOpenApi:
    def test_schemathesis_finds_every_operation(self) -> None:
        """schemathesis loads the description and finds both operations."""
        import schemathesis

        schema = schemathesis.openapi.from_dict(openapi_document())
        operations = {cast(Any, op).ok().path for op in schema.get_all_operations()}
        assert operations == {"/v1/trace", "/v1/documents/{key}"}

    def test_responses_conform_to_the_description(self, client: TestClient) -> None:
        """A trace and a document, as served, validate against their schemas in the description."""
        components = openapi_document()["components"]
        for name, path, params in (
            ("Trace", "/v1/trace", {"order": "250"}),
            ("DocumentView", "/v1/documents/order_documents:abc123:order:250:order_invoice:1", {}),
        ):
            body = client.get(path, params=params, headers=auth()).json()
            validator = OAS31Validator({"$ref": f"#/components/schemas/{name}", "components": components})
            validator.validate(body)


class TestServe:
    def test_refuses_to_run_without_a_token(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`bcx index serve` without BCX_INDEX__API_TOKEN exits 2 naming the variable (never serving open)."""
        from bcx_app.cli.main import main

        monkeypatch.delenv("BCX_INDEX__API_TOKEN", raising=False)
        assert main(["index", "serve"]) == 2
        assert "BCX_INDEX__API_TOKEN" in capsys.readouterr().err


class TestProbes:
    def test_ready_when_the_database_answers(self, client: TestClient) -> None:
        """/readyz and /healthz answer 200 without a token while PostgreSQL answers."""
        assert client.get("/readyz").status_code == 200
        assert client.get("/healthz").status_code == 200

    def test_not_ready_without_the_database_and_no_dsn_leaks(self) -> None:
        """With PostgreSQL unreachable /readyz is 503 (the pod leaves the Service) while /healthz stays 200
        (no restart for a database outage); the answer never repeats the DSN or its password."""
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        dsn = f"postgresql://bcx:pw-s3cret@127.0.0.1:{port}/bcx?connect_timeout=2"
        client = TestClient(create_app(dsn, TOKEN))
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "pw-s3cret" not in ready.text
        assert str(port) not in ready.text
        assert client.get("/healthz").status_code == 200
