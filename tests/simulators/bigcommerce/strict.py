"""Strict validation against the official BigCommerce specs: ``oneOf`` as written, formats checked.

The shared :mod:`tests.simulators.bigcommerce.openapi` reads ``oneOf`` as ``anyOf``; the policy endpoints'
checks use this stricter reading so a body matching two alternatives (or none) fails.
"""

from __future__ import annotations

from typing import Any

from openapi_schema_validator import OAS30Validator

from tests.simulators.bigcommerce.openapi import load_spec


def _resolve(doc: dict[str, Any], node: Any, seen: tuple[str, ...] = ()) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            if ref in seen:
                return {}
            target: Any = doc
            for part in ref.lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return _resolve(doc, target, (*seen, ref))
        return {k: _resolve(doc, v, seen) for k, v in node.items() if k not in ("example", "examples")}
    if isinstance(node, list):
        return [_resolve(doc, item, seen) for item in node]
    return node


def _schema(spec_name: str, path: str, method: str, where: tuple[str, ...]) -> dict[str, Any]:
    doc = load_spec(spec_name)
    node: Any = doc["paths"][path][method]
    for part in where:
        node = _resolve(doc, node)[part]
    resolved: dict[str, Any] = _resolve(doc, node)
    return resolved


def strict_errors(spec_name: str, path: str, method: str, status: str, body: Any) -> list[str]:
    """Every way ``body`` breaks the response schema, with ``oneOf`` and formats enforced."""
    schema = _schema(spec_name, path, method, ("responses", status, "content", "application/json", "schema"))
    validator = OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(body)]


def request_errors(spec_name: str, path: str, method: str, body: Any) -> list[str]:
    """Every way a request ``body`` bcx sends breaks the documented request schema."""
    schema = _schema(spec_name, path, method, ("requestBody", "content", "application/json", "schema"))
    validator = OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(body)]
