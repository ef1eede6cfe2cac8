"""Copying API models into contract records field by field, by name. Pure.

The contract records (:mod:`bcx.contracts.commerce_orders` …) declare the subset of BigCommerce fields bcx
publishes, under BigCommerce's own (snake_case) names, so one generic walk fills them from the client's
models or from raw dicts: nested models and lists follow the target's annotations, a field the source lacks
takes the target's default, and a non-text value bound for a text field becomes text (JSON for lists and
objects, as form-field values can be).
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

R = TypeVar("R", bound=BaseModel)

_MISSING = object()


def _get(source: Any, name: str) -> Any:
    if isinstance(source, Mapping):
        return source.get(name, _MISSING)
    return getattr(source, name, _MISSING)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _value(value: Any, annotation: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _value(value, options[0]) if len(options) == 1 else value
    if origin is list:
        (item,) = typing.get_args(annotation)
        return [_value(v, item) for v in value]
    if origin is dict:
        _, item = typing.get_args(annotation)
        return {str(k): _value(v, item) for k, v in dict(value).items()}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return convert(value, annotation)
    if annotation is str:
        return _as_text(value)
    return value


def convert(source: Any, target: type[R], **overrides: Any) -> R:
    """``target`` filled from ``source``'s same-named fields; ``overrides`` win over the source."""
    values: dict[str, Any] = {}
    for name, info in target.model_fields.items():
        if name in overrides:
            values[name] = overrides[name]
            continue
        raw = _get(source, name)
        if raw is _MISSING or (raw is None and not info.is_required() and info.default is not None):
            continue
        values[name] = _value(raw, info.annotation)
    return target.model_validate(values)


def convert_fields(source: Any, target: type[BaseModel], names: typing.Iterable[str]) -> dict[str, Any]:
    """Only ``names`` of ``target``, converted from ``source`` (missing ones left to the target's default)."""
    values: dict[str, Any] = {}
    for name in names:
        raw = _get(source, name)
        if raw is not _MISSING:
            values[name] = _value(raw, target.model_fields[name].annotation)
    return values
