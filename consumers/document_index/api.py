"""``bcx index serve``: the read-only HTTP API over the index, the same queries as ``bcx trace``.

``GET /v1/trace?customer=|order=|document=[&store=][&limit=][&cursor=]`` returns a :class:`Trace` page,
``GET /v1/documents/{key}`` one document; ``GET /openapi.json`` describes both (OpenAPI 3.1, schemas
from the same pydantic models); ``GET /healthz`` (the process is up) and ``GET /readyz`` (PostgreSQL
answers) need no token. Every ``/v1`` call needs
``Authorization: Bearer <BCX_INDEX__API_TOKEN>``, compared in constant time; the API does not start
without a token. Each request opens its own short connection (a compliance tool, not a hot path).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bcx.errors import ConfigurationError
from consumers.document_index.db import connect
from consumers.document_index.errors import IndexUnavailable
from consumers.document_index.queries import MAX_LIMIT, DocumentView, Selector, Trace, trace
from consumers.document_index.settings import IndexSettings


def _problem(status: int, title: str) -> JSONResponse:
    return JSONResponse({"title": title, "status": status}, status_code=status)


def create_app(dsn: str, token: str) -> Starlette:
    """The API reading ``dsn``, guarded by ``token``."""
    expected = token.encode()

    def authorised(request: Request) -> bool:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)

    def guarded(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def wrapped(request: Request) -> Response:
            if not authorised(request):
                response = _problem(401, "a valid bearer token is required")
                response.headers["WWW-Authenticate"] = "Bearer"
                return response
            return handler(request)

        return wrapped

    def get_trace(request: Request) -> Response:
        q = request.query_params
        try:
            selector = Selector(
                customer=q.get("customer"),
                order=q.get("order"),
                document=q.get("document"),
                store=q.get("store"),
            ).check()
            limit = int(q.get("limit", "50"))
            with connect(dsn) as conn:
                found = trace(conn, selector, limit=limit, cursor=q.get("cursor"))
        except (ValueError, ValidationError) as exc:
            return _problem(400, str(exc).splitlines()[0])
        return Response(found.model_dump_json(), media_type="application/json")

    def get_document(request: Request) -> Response:
        key = request.path_params["key"]
        with connect(dsn) as conn:
            found = trace(conn, Selector(document=key), limit=1)
        if not found.documents:
            return _problem(404, "no such document")
        return Response(found.documents[0].model_dump_json(), media_type="application/json")

    def openapi(_request: Request) -> Response:
        return JSONResponse(openapi_document())

    def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    def readyz(_request: Request) -> Response:
        # out of the Service while the database cannot answer, so callers get another replica, not a 500
        try:
            with connect(dsn) as conn:
                conn.execute("SELECT 1")
        except IndexUnavailable as exc:
            return _problem(503, str(exc))
        return JSONResponse({"status": "ready"})

    return Starlette(
        routes=[
            Route("/v1/trace", guarded(get_trace)),
            Route("/v1/documents/{key:path}", guarded(get_document)),
            Route("/openapi.json", openapi),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ]
    )


def _ref_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in (Trace, DocumentView):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    schemas["Problem"] = {
        "type": "object",
        "properties": {"title": {"type": "string"}, "status": {"type": "integer"}},
        "required": ["title", "status"],
    }
    return schemas


def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI 3.1 description."""

    def query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": schema or {"type": "string"},
        }

    def problem(description: str) -> dict[str, Any]:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "bcx document index",
            "version": "1",
            "description": "Read-only: what each customer got, when, where and why.",
        },
        "security": [{"bearer": []}],
        "paths": {
            "/v1/trace": {
                "get": {
                    "operationId": "trace",
                    "summary": "Documents of a customer, an order or one key, with their timeline (one page)",
                    "parameters": [
                        query("customer", "BigCommerce customer id"),
                        query("order", "BigCommerce order id"),
                        query("document", "a document's idempotency key"),
                        query("store", "store hash"),
                        query(
                            "limit",
                            f"documents per page (1–{MAX_LIMIT})",
                            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                        ),
                        query("cursor", "next_cursor of the previous page"),
                    ],
                    "responses": {
                        "200": {
                            "description": "the trace page",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Trace"}}
                            },
                        },
                        "400": problem("not exactly one of customer, order, document; or a bad cursor/limit"),
                        "401": problem("missing or wrong bearer token"),
                    },
                }
            },
            "/v1/documents/{key}": {
                "get": {
                    "operationId": "document",
                    "summary": "One document with its events",
                    "parameters": [
                        {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "the document",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/DocumentView"}}
                            },
                        },
                        "401": problem("missing or wrong bearer token"),
                        "404": problem("no such document"),
                    },
                }
            },
        },
        "components": {
            "schemas": _ref_schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def serve(settings: IndexSettings) -> int:
    """Run the API until interrupted (uvicorn)."""
    import uvicorn

    token = settings.index.api_token
    if token is None or not token.get_secret_value():
        raise ConfigurationError(
            "BCX_INDEX__API_TOKEN must be set: the index API does not run unauthenticated"
        )
    app = create_app(settings.index.dsn.get_secret_value(), token.get_secret_value())
    uvicorn.run(app, host=settings.index.api_host, port=settings.index.api_port, log_config=None)
    return 0
