"""Validation of JSON bodies against the official BigCommerce OpenAPI response schemas (reference specs)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from tests.support.required import reference, reference_dir

#: where the BigCommerce specs are (BCX_TEST_REFERENCE_DIR, default ../shared/reference); may not exist
REFERENCE = reference_dir() / "bigcommerce"
#: official specs the shared reference lacks, vendored with their origin (``tests/reference_extra/README.md``)
EXTRA = Path(__file__).resolve().parents[2] / "reference_extra"


@functools.cache
def load_spec(name: str) -> dict[str, Any]:
    """A spec of the shared reference by its relative name, or a vendored one as ``extra/<name>``."""
    extra = name.startswith("extra/")
    path = EXTRA / name.removeprefix("extra/") if extra else reference("bigcommerce", name)
    with path.open() as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def _resolve(doc: dict[str, Any], node: Any, seen: tuple[str, ...] = ()) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            if ref in seen:
                return {}  # recursive schema: accept anything below the cycle
            target: Any = doc
            for part in ref.lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return _resolve(doc, target, (*seen, ref))
        return {k: _resolve(doc, v, seen) for k, v in node.items() if k not in ("example", "examples")}
    if isinstance(node, list):
        return [_resolve(doc, item, seen) for item in node]
    return node


def response_schema(spec_name: str, path: str, method: str, status: str) -> dict[str, Any]:
    doc = load_spec(spec_name)
    response = _resolve(doc, doc["paths"][path][method]["responses"][status])
    schema: dict[str, Any] = response["content"]["application/json"]["schema"]
    return schema


@dataclass(frozen=True)
class Contradiction:
    """A place where the official spec contradicts itself, so no body (not even its own example) is valid.

    ``location`` matches the failing value's JSON path (``/``-joined), ``message`` the validator's message;
    ``evidence`` is a body the spec's own documentation gives that fails the same way, which
    ``test_contract.py`` re-checks so a corrected spec makes the entry fail and be removed.
    """

    spec: str
    path: str
    location: str
    message: str
    reason: str
    evidence: Any


CONTRADICTIONS: tuple[Contradiction, ...] = (
    Contradiction(
        spec="customers.v2.yml",
        path="/customer_groups/{customer_group_id}",
        location=r"^discount_rules$",
        message="is valid under each of",
        reason="the four oneOf alternatives of discount_rules are arrays of objects with no required "
        "property, so every value, [] included, matches all four and no group can satisfy oneOf",
        evidence={"id": 1, "name": "Wholesale", "discount_rules": []},
    ),
    Contradiction(
        spec="customers.v2.yml",
        path="/customer_groups",
        location=r"^\d+/discount_rules$",
        message="is valid under each of",
        reason="as for GET /customer_groups/{customer_group_id}: no group's discount_rules can satisfy oneOf",
        evidence=[{"id": 1, "name": "Wholesale", "discount_rules": []}],
    ),
    Contradiction(
        spec="b2b/company.yaml",
        path="/companies/{companyId}",
        location=r"(createdAt|updatedAt)$",
        message="is not a 'time'",
        reason="createdAt/updatedAt are declared format: time (RFC 3339 HH:MM:SS) but described and "
        "exemplified as unix timestamps ('1618794615'), which is what B2B Edition sends",
        evidence={"code": 200, "data": {"companyId": 1, "companyName": "A", "createdAt": "1618794615"}},
    ),
    Contradiction(
        spec="b2b/company.yaml",
        path="/companies",
        location=r"(createdAt|updatedAt)$",
        message="is not a 'time'",
        reason="as for GET /companies/{companyId}: unix timestamps under format: time",
        evidence={"code": 200, "data": [{"companyId": 1, "companyName": "A", "updatedAt": "1618794615"}]},
    ),
)


def raw_validation_errors(
    spec_name: str, path: str, method: str, status: str, body: Any
) -> list[tuple[str, str]]:
    """``(JSON path, message)`` of every way ``body`` breaks the documented response schema, read strictly:
    ``oneOf`` as exactly one alternative, and formats (date-time, email, uuid, time, …) checked."""
    validator = OAS30Validator(
        response_schema(spec_name, path, method, status), format_checker=oas30_format_checker
    )
    return [("/".join(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(body)]


def validation_errors(spec_name: str, path: str, method: str, status: str, body: Any) -> list[str]:
    """Every way ``body`` breaks the documented response schema (empty when it conforms), except where the
    spec contradicts itself (:data:`CONTRADICTIONS`, each with its reason)."""
    known = [c for c in CONTRADICTIONS if (c.spec, c.path) == (spec_name, path)]
    return [
        f"{where}: {message[:200]}"
        for where, message in raw_validation_errors(spec_name, path, method, status, body)
        if not any(re.search(c.location, where) and c.message in message for c in known)
    ]


def _deref(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def response_examples(spec_name: str, path: str, method: str, status: str) -> list[Any]:
    """The example bodies the spec gives for one response (``example`` and ``examples``)."""
    doc = load_spec(spec_name)
    response = _deref(doc, doc["paths"][path][method]["responses"][status])
    media = _deref(doc, response.get("content", {}).get("application/json", {}))
    found = []
    if "example" in media:
        found.append(media["example"])
    for example in (media.get("examples") or {}).values():
        example = _deref(doc, example)
        if "value" in example:
            found.append(example["value"])
    return found


_FORMAT_PLACEHOLDERS = {
    "date-time": "2019-08-24T14:15:22Z",
    "date": "2019-08-24",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "095be615-a8ad-4c33-8e9c-c7612fbf6c9f",
}


def _placeholder(node: dict[str, Any]) -> Any:
    """What a static mock server (Prism) answers for a value the schema gives no example for."""
    if node.get("enum"):
        return node["enum"][0]
    if "default" in node:
        return node["default"]
    kind = node.get("type")
    if kind == "string":
        return _FORMAT_PLACEHOLDERS.get(str(node.get("format")), "string")
    if kind in ("integer", "number"):
        return node.get("minimum", 0)
    if kind == "boolean":
        return True
    return _NONE


def _schema_example(doc: dict[str, Any], node: Any, seen: tuple[str, ...] = ()) -> Any:
    """A body assembled from the schema's own ``example`` values, placeholders where it gives none."""
    if isinstance(node, dict) and "$ref" in node:
        if node["$ref"] in seen:
            return _NONE
        return _schema_example(doc, _deref(doc, node), (*seen, node["$ref"]))
    if not isinstance(node, dict):
        return _NONE
    if "example" in node:
        return node["example"]
    if "allOf" in node:
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            value = _schema_example(doc, part, seen)
            if isinstance(value, dict):
                merged.update(value)
        return merged or _NONE
    for key in ("oneOf", "anyOf"):
        if node.get(key):
            return _schema_example(doc, node[key][0], seen)
    if node.get("type") == "array" or "items" in node:
        item = _schema_example(doc, node.get("items", {}), seen)
        return [item] if item is not _NONE else []
    if node.get("type") == "object" or "properties" in node:
        body = {}
        for name, prop in (node.get("properties") or {}).items():
            value = _schema_example(doc, prop, seen)
            if value is not _NONE:
                body[name] = value
        return body
    return _placeholder(node)


_NONE = object()


def documented_examples(spec_name: str, path: str, method: str, status: str) -> list[Any]:
    """The response's own examples; else one body assembled from the schema-level ``example`` values
    (BigCommerce documents many responses only there), with a static mock server's placeholders for values
    that have none. Empty only when the response has no JSON schema at all."""
    found = response_examples(spec_name, path, method, status)
    if found:
        return found
    doc = load_spec(spec_name)
    response = _deref(doc, doc["paths"][path][method]["responses"][status])
    media = _deref(doc, response.get("content", {}).get("application/json", {}))
    body = _schema_example(doc, media.get("schema", {}))
    return [] if body is _NONE else [body]
