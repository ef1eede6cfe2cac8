"""Validation of JSON bodies against the official BigCommerce OpenAPI response schemas (reference specs)."""

from __future__ import annotations

import functools
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

from tests.support.required import reference, reference_dir

#: where the BigCommerce specs are (BCX_TEST_REFERENCE_DIR, default ../shared/reference); may not exist
REFERENCE = reference_dir() / "bigcommerce"


@functools.cache
def load_spec(name: str) -> dict[str, Any]:
    with reference("bigcommerce", name).open() as handle:
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
        resolved = {k: _resolve(doc, v, seen) for k, v in node.items() if k not in ("example", "examples")}
        # BigCommerce uses oneOf for alternatives that overlap (e.g. discount rules, page types); a body
        # matching several alternatives is valid by the authors' intent, so oneOf is read as anyOf.
        if "oneOf" in resolved:
            resolved["anyOf"] = resolved.pop("oneOf")
        return resolved
    if isinstance(node, list):
        return [_resolve(doc, item, seen) for item in node]
    return node


def response_schema(spec_name: str, path: str, method: str, status: str) -> dict[str, Any]:
    doc = load_spec(spec_name)
    response = _resolve(doc, doc["paths"][path][method]["responses"][status])
    schema: dict[str, Any] = response["content"]["application/json"]["schema"]
    return schema


def validation_errors(spec_name: str, path: str, method: str, status: str, body: Any) -> list[str]:
    """Every way ``body`` breaks the documented response schema (empty when it conforms)."""
    validator = OAS30Validator(response_schema(spec_name, path, method, status))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(body)]


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
