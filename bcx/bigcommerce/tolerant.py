"""Parsing what BigCommerce really sends: lose one field, not the response.

The rule, per API model field:

- **strict** — a field the model requires (no default): ids, statuses, amounts of a transaction, the
  fields a document or a snapshot key depends on. A value that is missing or unreadable there is a
  permanent :class:`~bcx.bigcommerce.errors.InvalidResponse` naming the field.
- **tolerant** — every field with a default. Values are coerced where that is unambiguous (numbers as text,
  ``"62.5000"`` as money, ``""`` dates as none, integral floats as ids and quantities — see
  :mod:`bcx.bigcommerce.models.common`); a value that still does not fit is replaced by the field's default
  (null, empty, zero), and the loss is reported to the ``on_coercion(entity, field)`` callback (the enricher
  counts it as ``bcx_field_coercions_total{entity,field}``) and logged without the value.

A failure inside a nested value falls back to the nearest tolerant field on its path: a bad coupon in an
optional ``coupons`` list empties that list; a bad required field of a required part (say the order's own
``id``) is strict. ``docs/bigcommerce.md`` lists which fields are which.
"""

from __future__ import annotations

import copy
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from bcx.bigcommerce.errors import InvalidResponse
from bcx.logging import get_logger

log = get_logger(__name__)

M = TypeVar("M", bound=BaseModel)

#: told ``(entity, field)`` for every tolerant field a value was dropped from
CoercionSink = Callable[[str, str], None]

_MAX_ROUNDS = 5


def _field(model: type[BaseModel], key: str) -> tuple[str, FieldInfo] | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias, info.validation_alias):
            return name, info
    return None


def _unwrap(annotation: Any) -> Any:
    """``X | None`` and ``Annotated[X, …]`` → ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


class _Anchor:
    """The nearest tolerant field on an error's path: where to drop the value."""

    def __init__(self, container: dict[str, Any], key: str, label: str) -> None:
        self.container = container
        self.key = key
        self.label = label


def _locate(model: type[BaseModel], data: Any, loc: tuple[int | str, ...]) -> tuple[_Anchor | None, str]:
    """Follow ``loc`` through ``data`` and ``model``: the deepest tolerant field, the failing field's path."""
    anchor: _Anchor | None = None
    current: Any = data
    node: type[BaseModel] | None = model
    item: type[BaseModel] | None = None
    labels: list[str] = []
    for part in loc:
        if isinstance(part, int):
            inside = isinstance(current, list) and -len(current) <= part < len(current)
            current = current[part] if inside else None
            node, item = item, None
            continue
        found = _field(node, part) if node is not None else None
        if found is None or not isinstance(current, dict):
            break
        name, info = found
        labels.append(name)
        if not info.is_required():
            anchor = _Anchor(current, part, ".".join(labels))
        current = current.get(part)
        annotation = _unwrap(info.annotation)
        if typing.get_origin(annotation) is list:
            node, item = None, _model_of(_unwrap(typing.get_args(annotation)[0]))
        else:
            node, item = _model_of(annotation), None
    return anchor, ".".join(labels) or "(body)"


def parse_tolerant(model: type[M], data: Any, where: str, on_coercion: CoercionSink | None = None) -> M:
    """``data`` as ``model`` under the strict/tolerant rule of this module."""
    try:
        return model.model_validate(data)
    except ValidationError as first:
        error = first
    if not isinstance(data, dict):
        raise InvalidResponse(f"{where}: expected a {model.__name__} object") from error
    repaired = copy.deepcopy(data)
    dropped: list[str] = []
    for _ in range(_MAX_ROUNDS):
        for problem in error.errors():
            anchor, path = _locate(model, repaired, tuple(problem["loc"]))
            if anchor is None:
                reason = f"{problem['type']}: {problem['msg'][:80]}"
                raise InvalidResponse(f"{where}: {model.__name__}.{path} is required ({reason})") from error
            if anchor.key in anchor.container:
                del anchor.container[anchor.key]
                dropped.append(anchor.label)
        try:
            result = model.model_validate(repaired)
        except ValidationError as again:
            error = again
            continue
        for label in dropped:
            log.warning("bigcommerce.field_coerced", entity=model.__name__, field=label, where=where)
            if on_coercion is not None:
                on_coercion(model.__name__, label)
        return result
    raise InvalidResponse(f"{where}: unexpected {model.__name__} shape") from error
