"""Hypothesis strategies for random bodies that conform to the official BigCommerce OpenAPI schemas.

Built from the resolved response schema (``tests/simulators/bigcommerce/openapi.py``): objects with their
required properties and any subset of the optional ones, arrays of up to three items, strings honouring
``enum``, ``format`` (date-time, date, email, uri, uuid) and length bounds, numbers within their bounds,
``nullable`` as null, ``oneOf``/``anyOf`` as one of the alternatives, ``allOf`` merged.
"""

from __future__ import annotations

import string
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " -_.", max_size=12)
_MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)


def _string(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    fmt = schema.get("format")
    if fmt == "date-time":
        return _MOMENTS.map(lambda m: m.isoformat())
    if fmt == "date":
        return _MOMENTS.map(lambda m: m.date().isoformat())
    if fmt == "email":
        return st.from_regex(r"[a-z]{1,8}@example\.com", fullmatch=True)
    if fmt in ("uri", "url"):
        return st.from_regex(r"https://example\.com/[a-z]{0,8}", fullmatch=True)
    if fmt == "uuid":
        return st.uuids().map(str)
    low = int(schema.get("minLength", 0))
    high = int(schema.get("maxLength", max(low, 12)))
    return st.text(alphabet=string.ascii_letters + string.digits + " -_.", min_size=low, max_size=high)


def _number(schema: dict[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    low = schema.get("minimum")
    high = schema.get("maximum")
    if integer:
        return st.integers(
            min_value=int(low) if low is not None else -10,
            max_value=int(high) if high is not None else 10_000,
        )
    return st.one_of(
        st.integers(min_value=int(low) if low is not None else -10, max_value=10_000),
        st.floats(
            min_value=float(low) if low is not None else -10.0,
            max_value=float(high) if high is not None else 10_000.0,
            allow_nan=False,
            allow_infinity=False,
        ),
    )


def _object(schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    properties: dict[str, Any] = schema.get("properties") or {}
    required = [name for name in schema.get("required") or [] if name in properties]
    optional = [name for name in properties if name not in required]
    fixed = {name: from_schema(properties[name], depth + 1) for name in required}
    extra = {name: from_schema(properties[name], depth + 1) for name in optional}
    return st.fixed_dictionaries(fixed, optional=extra)


def _merge(parts: list[Any]) -> dict[str, Any]:
    """``allOf`` parts as one object schema (nested ``allOf`` flattened)."""
    merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in parts:
        if not isinstance(part, dict):
            continue
        if "allOf" in part:
            part = {**part, **_merge(part["allOf"])}
        merged["properties"].update(part.get("properties") or {})
        merged["required"] += list(part.get("required") or [])
    return merged


def from_schema(schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Random JSON that ``schema`` (an OpenAPI 3.0 schema object, refs resolved) accepts."""
    if not isinstance(schema, dict) or not schema or depth > 8:
        return st.one_of(st.none(), _TEXT, st.integers(0, 100))
    plain = _plain(schema, depth)
    return st.one_of(st.none(), plain) if schema.get("nullable") else plain


def _plain(schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    if "enum" in schema:
        return st.sampled_from([v for v in schema["enum"] if v is not None] or [None])
    if "allOf" in schema:
        return from_schema(_merge(schema["allOf"]), depth)
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return st.one_of([from_schema(option, depth + 1) for option in schema[key]])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return _object(schema, depth)
    if kind == "array":
        low = int(schema.get("minItems", 0))
        return st.lists(from_schema(schema.get("items", {}), depth + 1), min_size=low, max_size=max(low, 3))
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return _number(schema, integer=True)
    if kind == "number":
        return _number(schema, integer=False)
    if kind == "boolean":
        return st.booleans()
    return st.one_of(st.none(), _TEXT, st.integers(0, 100), st.booleans())
