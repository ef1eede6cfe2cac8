"""The bridge's OpenAPI 3.1 document.

Served at ``/openapi.json`` and committed as ``docs/openapi/webhook-bridge.json``.

Static by design (not derived from settings), so the committed file is the contract; a test checks both agree.
Regenerate the file with ``bcx bridge --openapi > docs/openapi/webhook-bridge.json``.
"""

from __future__ import annotations

from typing import Any

from bcx.bigcommerce.signing import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from producers.webhook_bridge.settings import DEFAULT_SECRET_HEADER

WEBHOOK_PATH = "/webhooks/bigcommerce"
VERSION = "1.0.0"

# Every machine-readable reason the webhook endpoint answers with, by status.
REASONS: dict[int, tuple[str, ...]] = {
    400: ("malformed_json",),
    401: (
        "unknown_store",
        "missing_secret",
        "invalid_secret",
        "missing_signature",
        "invalid_signature",
        "invalid_timestamp",
        "stale_timestamp",
        "invalid_webhook_id",
    ),
    413: ("body_too_large",),
    415: ("unsupported_media_type",),
    431: ("headers_too_large",),
    422: (
        "not_an_object",
        "missing_scope",
        "invalid_scope",
        "missing_producer",
        "invalid_producer",
        "missing_created_at",
        "invalid_created_at",
        "invalid_data",
        "invalid_store_id",
        "invalid_hash",
        "invalid_resource_type",
        "invalid_resource_id",
    ),
    503: ("kafka_queue_full", "kafka_timeout", "kafka_unavailable", "schema_unavailable"),
}

_DESCRIPTIONS = {
    400: "The body is not strict JSON (NaN/Infinity, a number beyond a double's range such as 1e400, or "
    "absurd nesting). Nothing was published.",
    401: "Unknown store, missing or wrong shared secret, or a bad, malformed or stale Standard Webhooks "
    "signature. Nothing was published.",
    413: "The body exceeds the configured limit (BCX_BRIDGE__MAX_BODY_BYTES). Nothing was published.",
    415: "The content type is not application/json. Nothing was published.",
    422: "JSON, but not a callback: a required field is missing or invalid, data.type names a resource "
    "without a usable id, or a resource type or id contains ':'. Nothing was published.",
    431: "The request line and headers exceed the configured limit (BCX_BRIDGE__MAX_HEADER_BYTES); the "
    "server stops reading the head there. Nothing was published.",
    503: "Kafka (or the schema registry) did not acknowledge in time. BigCommerce retries on its own "
    "schedule. The record may still be stored later; a retry then yields a duplicate with the same event id.",
}


def _error(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _DESCRIPTIONS[status],
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string", "enum": list(REASONS[status])}},
                    "additionalProperties": False,
                }
            }
        },
    }
    if status == 503:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before retrying (BCX_BRIDGE__RETRY_AFTER_S).",
                "required": True,
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        }
    return response


def _header(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }


_CALLBACK = {
    "type": "object",
    "description": "A BigCommerce webhook callback. Extra fields are accepted and ignored.",
    "required": ["scope", "producer", "created_at"],
    "properties": {
        "scope": {"type": "string", "pattern": "^store/", "examples": ["store/order/statusUpdated"]},
        "store_id": {
            "type": ["string", "integer"],
            "description": "Numeric store id; absent on channel events.",
        },
        "data": {"type": "object", "description": "Event-specific ids; family-dependent shape."},
        "hash": {"type": "string", "description": "BigCommerce's SHA-1 of the event."},
        "created_at": {"type": "integer", "minimum": 0, "description": "Unix seconds."},
        "producer": {"type": "string", "pattern": "^stores/[A-Za-z0-9_-]{1,64}$"},
    },
    "examples": [
        {
            "scope": "store/order/statusUpdated",
            "store_id": "1025646",
            "data": {"type": "order", "id": 250, "status": {"previous_status_id": 0, "new_status_id": 11}},
            "hash": "7ee67cd1cf2ca60bc1aa9e5fe957d2de373be4ca",
            "created_at": 1561479335,
            "producer": "stores/abc123",
        }
    ],
}

_READINESS = {
    "type": "object",
    "required": ["status", "checks"],
    "properties": {
        "status": {"type": "string", "enum": ["ready", "not_ready"]},
        "checks": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def build_openapi() -> dict[str, Any]:
    """The document, as a JSON-ready dict."""
    webhook_responses: dict[str, Any] = {
        "200": {
            "description": "Kafka acknowledged the record (acks=all), or it is a duplicate seen moments ago."
        }
    }
    webhook_responses.update({str(status): _error(status) for status in sorted(REASONS)})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "bcx webhook bridge",
            "version": VERSION,
            "description": "Receives BigCommerce webhook callbacks, authenticates them per store and "
            "publishes each as one Avro record on bigcommerce.webhooks.v1 "
            "(key store_hash:resource_type:resource_id). "
            "200 only after Kafka acknowledged; 503 + Retry-After when it could not in time.",
        },
        "paths": {
            WEBHOOK_PATH: {
                "post": {
                    "operationId": "receiveCallback",
                    "summary": "Receive one BigCommerce webhook callback",
                    "security": [{"sharedSecret": []}, {"standardWebhooks": []}],
                    "parameters": [
                        _header(ID_HEADER, "Standard Webhooks message id; becomes the event id."),
                        _header(TIMESTAMP_HEADER, "Standard Webhooks timestamp (unix seconds)."),
                        _header(SIGNATURE_HEADER, "Space-separated v1,<base64 HMAC-SHA256> signatures."),
                    ],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _CALLBACK}}},
                    "responses": webhook_responses,
                }
            },
            "/livez": {
                "get": {
                    "operationId": "livez",
                    "summary": "The process is alive",
                    "responses": {"200": {"description": "Alive."}},
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "readyz",
                    "summary": "Kafka reachable, topic present, writer schema registered",
                    "responses": {
                        "200": {
                            "description": "Ready.",
                            "content": {"application/json": {"schema": _READINESS}},
                        },
                        "503": {
                            "description": "Not ready; checks say why.",
                            "content": {"application/json": {"schema": _READINESS}},
                        },
                    },
                }
            },
            "/metrics": {
                "get": {
                    "operationId": "metrics",
                    "summary": "Prometheus metrics",
                    "responses": {"200": {"description": "Text exposition.", "content": {"text/plain": {}}}},
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {
                        "200": {"description": "OpenAPI 3.1.", "content": {"application/json": {}}}
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "sharedSecret": {
                    "type": "apiKey",
                    "in": "header",
                    "name": DEFAULT_SECRET_HEADER,
                    "description": "The per-store secret set as a custom header when the hook was created "
                    "(header name configurable per store).",
                },
                "standardWebhooks": {
                    "type": "apiKey",
                    "in": "header",
                    "name": SIGNATURE_HEADER,
                    "description": "Standard Webhooks: HMAC-SHA256 over "
                    "'{webhook-id}.{webhook-timestamp}.{body}' "
                    "keyed by the base64 app client secret; timestamp within the replay window.",
                },
            }
        },
    }
