"""The returns intake's OpenAPI 3.1 document: served at ``/returns/v1/openapi.json`` and committed as
``docs/openapi/returns-intake.json`` (a test checks both agree). The request schema is the
``commerce.returns.v1`` submission model's own JSON schema, so the contract has one definition.

Regenerate the file with
``python -m producers.webhook_bridge.returns_openapi > docs/openapi/returns-intake.json``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from bcx.contracts.commerce_returns import ReturnSubmission

VERSION = "1.0.0"
PATH = "/returns/v1"

REASONS: dict[int, tuple[str, ...]] = {
    400: ("malformed_json",),
    401: ("missing_token", "invalid_token"),
    403: ("store_not_allowed",),
    404: ("intake_not_configured",),
    413: ("body_too_large",),
    415: ("unsupported_media_type",),
    422: ("not_an_object", "invalid_return"),
    431: ("headers_too_large",),
    503: ("kafka_queue_full", "kafka_timeout", "kafka_unavailable", "schema_unavailable"),
}

_DESCRIPTIONS = {
    400: "The body is not JSON. Nothing was published.",
    401: "No bearer token, or a token no configured client has. Nothing was published.",
    403: "The client may not submit returns for this store. Nothing was published.",
    404: "The bridge has no returns clients configured (BCX_BRIDGE__RETURNS_CLIENTS).",
    413: "The body exceeds the configured limit (BCX_BRIDGE__MAX_BODY_BYTES). Nothing was published.",
    415: "The content type is not application/json. Nothing was published.",
    422: "JSON, but not a valid return; `fields` names the offending fields. Nothing was published.",
    431: "The request headers exceed BCX_BRIDGE__MAX_HEADER_BYTES. Nothing was published.",
    503: "Kafka (or the schema registry) did not acknowledge in time: retry after Retry-After seconds. The "
    "record may still be stored later; a retry of the same state is then a harmless duplicate.",
}

_EXAMPLE: dict[str, Any] = {
    "return_id": "R-2026-000123",
    "store_hash": "abc123",
    "order_id": 250,
    "state": "requested",
    "resolution": "refund",
    "reason_code": "changed_mind",
    "lines": [
        {
            "order_product_id": 301,
            "sku": "TSHIRT-L",
            "name": "Organic T-shirt",
            "quantity": 1,
            "category": "apparel",
            "product_type": "apparel",
            "weight_grams": 300,
        }
    ],
    "customer": {
        "customer_id": 32,
        "name": "Jane Roe",
        "email": "jane@example.com",
        "locale": "en-US",
        "address": {
            "name": "Jane Roe",
            "street_1": "12 Elm Street",
            "city": "Portland",
            "state": "Oregon",
            "zip": "97201",
            "country_iso2": "US",
        },
    },
    "delivered_at": "2026-03-04T15:30:00Z",
    "requested_at": "2026-03-10T08:12:00Z",
    "updated_at": "2026-03-10T08:12:00Z",
}


def _error(status: int) -> dict[str, Any]:
    properties: dict[str, Any] = {"error": {"type": "string", "enum": list(REASONS[status])}}
    if status == 422:
        properties["fields"] = {"type": "array", "items": {"type": "string"}, "description": "field paths"}
    response: dict[str, Any] = {
        "description": _DESCRIPTIONS[status],
        "content": {
            "application/json": {
                "schema": {"type": "object", "required": ["error"], "properties": properties}
            }
        },
    }
    if status == 503:
        response["headers"] = {
            "Retry-After": {"required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"}}
        }
    return response


def build_returns_openapi() -> dict[str, Any]:
    """The document, as a JSON-ready dict."""
    schema = ReturnSubmission.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    accepted = {
        "type": "object",
        "required": ["return_id", "rma_number", "event_id"],
        "properties": {
            "return_id": {"type": "string"},
            "rma_number": {"type": "string", "description": "the return's RMA (the label's barcode)"},
            "event_id": {"type": "string", "description": "id of this state on commerce.returns.v1"},
        },
    }
    responses: dict[str, Any] = {
        "200": {
            "description": "The record is in Kafka (commerce.returns.v1), or was already (a duplicate).",
            "content": {"application/json": {"schema": accepted}},
        }
    }
    responses.update({str(status): _error(status) for status in REASONS})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "bcx returns intake",
            "version": VERSION,
            "description": "Returns services that cannot produce to Kafka post each state of a return "
            "here; the bridge publishes it to commerce.returns.v1 (docs/returns.md).",
        },
        "paths": {
            PATH: {
                "post": {
                    "operationId": "submitReturn",
                    "summary": "Submit one state of one return",
                    "security": [{"bearer": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ReturnSubmission"},
                                "examples": {"requested": {"value": _EXAMPLE}},
                            }
                        },
                    },
                    "responses": responses,
                }
            }
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**definitions, "ReturnSubmission": schema},
        },
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(build_returns_openapi(), indent=2, ensure_ascii=False) + "\n")
