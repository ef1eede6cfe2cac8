"""Avro schema text from the pydantic contract models: the models are the one definition of a record.

Type mapping: ``str`` → ``string``, ``int`` → ``long``, ``bool`` → ``boolean``, ``Decimal``
(:data:`DecimalText`) → ``string`` holding the exact decimal text, ``datetime`` (:data:`UtcMillis`) →
``long``/``timestamp-millis``, ``X | None`` → ``["null", X]`` with default ``null``, ``list[X]`` →
``array``, ``dict[str, X]`` → ``map``, enums → ``enum``, models → ``record`` (named once per schema,
referenced by name after that). A field's ``description`` and a model's docstring become ``doc``.
"""

from __future__ import annotations

import enum
import types
import typing
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

_TIMESTAMP = {"type": "long", "logicalType": "timestamp-millis"}


class _Names:
    """Record and enum names already defined in the schema being written."""

    def __init__(self) -> None:
        self.defined: set[str] = set()


def avro_type(annotation: Any, names: _Names) -> Any:
    """The Avro type of a field annotation (see the module docstring for the mapping)."""
    if annotation is Decimal:
        return "string"
    if annotation is datetime:
        return dict(_TIMESTAMP)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        branches = [a for a in args if a is not type(None)]
        if len(branches) != 1:
            raise TypeError(f"only X | None unions map to Avro: {annotation!r}")
        return ["null", avro_type(branches[0], names)]
    if origin is typing.Annotated:
        return avro_type(args[0], names)
    if origin is list:
        return {"type": "array", "items": avro_type(args[0], names)}
    if origin is dict:
        if args[0] is not str:
            raise TypeError(f"Avro maps have string keys: {annotation!r}")
        return {"type": "map", "values": avro_type(args[1], names)}
    if annotation is bool:
        return "boolean"
    if annotation is int:
        return "long"
    if annotation is str:
        return "string"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum(annotation, names)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return record(annotation, names)
    raise TypeError(f"no Avro type for {annotation!r}")


def _enum(model: type[enum.Enum], names: _Names) -> Any:
    if model.__name__ in names.defined:
        return model.__name__
    names.defined.add(model.__name__)
    return {"type": "enum", "name": model.__name__, "symbols": [str(m.value) for m in model]}


def _default(info: FieldInfo) -> Any:
    value = info.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def field(name: str, info: FieldInfo, names: _Names) -> dict[str, Any]:
    """One Avro field: name, type, default (when the model has one) and doc (its description)."""
    out: dict[str, Any] = {"name": name, "type": avro_type(info.annotation, names)}
    if info.default is not PydanticUndefined or info.default_factory is not None:
        out["default"] = _default(info)
    if info.description:
        out["doc"] = info.description
    return out


def record(model: type[BaseModel], names: _Names, *, namespace: str | None = None) -> Any:
    """``model`` as an Avro record (or its name, when this schema already defined it)."""
    if model.__name__ in names.defined:
        return model.__name__
    names.defined.add(model.__name__)
    out: dict[str, Any] = {"type": "record", "name": model.__name__}
    if namespace:
        out["namespace"] = namespace
    out["fields"] = [field(name, info, names) for name, info in model.model_fields.items()]
    return out


def new_names() -> _Names:
    return _Names()
