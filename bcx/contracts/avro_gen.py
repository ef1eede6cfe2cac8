"""Avro schema text from the pydantic contract models: the models are the one definition of a record.

Type mapping: ``str`` → ``string``, ``int`` → ``long``, ``bool`` → ``boolean``, ``Decimal``
(:data:`DecimalText`) → ``string`` holding the exact decimal text, ``datetime`` (:data:`UtcMillis`) →
``long``/``timestamp-millis``, ``X | None`` → ``["null", X]`` with default ``null``, ``list[X]`` →
``array``, ``dict[str, X]`` → ``map``, enums → ``enum``, models → ``record`` (named once per schema,
referenced by name after that). A field's ``description`` and a model's docstring become ``doc``.
"""

from __future__ import annotations

import enum
import json
import re
import sys
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


def _has_avro_default(info: FieldInfo) -> bool:
    if info.default is PydanticUndefined and info.default_factory is None:
        return False
    extra = info.json_schema_extra
    return not (isinstance(extra, dict) and extra.get("avro_default") is False)


def field(name: str, info: FieldInfo, names: _Names, doc: str | None = None) -> dict[str, Any]:
    """One Avro field: name, type, default (when the model has one and does not opt out with
    ``json_schema_extra={"avro_default": False}``) and doc (``doc``, else the field's description)."""
    out: dict[str, Any] = {"name": name, "type": avro_type(info.annotation, names)}
    if _has_avro_default(info):
        out["default"] = _default(info)
    if doc or info.description:
        out["doc"] = doc or info.description
    return out


def prose(text: str) -> str:
    """A docstring as one line of plain text: reST roles and literals unwrapped, whitespace collapsed."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"\1", text)
    return " ".join(text.replace("``", "").split())


def _class_doc(model: type[BaseModel]) -> str | None:
    doc = model.__dict__.get("__doc__")
    return prose(doc.strip().split("\n\n")[0]) if doc else None


def record(
    model: type[BaseModel],
    names: _Names,
    *,
    namespace: str | None = None,
    doc: str | None = None,
    field_docs: dict[str, str] | None = None,
) -> Any:
    """``model`` as an Avro record (or its name, when this schema already defined it); its doc is ``doc``,
    else the first paragraph of its docstring."""
    if model.__name__ in names.defined:
        return model.__name__
    names.defined.add(model.__name__)
    out: dict[str, Any] = {"type": "record", "name": model.__name__}
    if namespace:
        out["namespace"] = namespace
    record_doc = doc or _class_doc(model)
    if record_doc:
        out["doc"] = record_doc
    docs = field_docs or {}
    out["fields"] = [field(name, info, names, docs.get(name)) for name, info in model.model_fields.items()]
    return out


#: Avro namespace of the commerce.* snapshot schemas
SNAPSHOT_NAMESPACE = "io.bcx.commerce"


def snapshot_schema(model: type[BaseModel], topic: str, entity_type: str) -> dict[str, Any]:
    """The Avro schema of a ``commerce.*`` snapshot topic, from its record model.

    The record's doc is its module's docstring (what the topic carries) plus the key and the encodings;
    ``date_modified``'s doc is the model's ``VERSION_DOC``.
    """
    module = sys.modules[model.__module__].__doc__ or ""
    doc = (
        f"{prose(module)} Key: store_hash:{entity_type}:entity_id. Money fields are exact decimal text "
        '(e.g. "62.6793"). Timestamps are UTC.'
    )
    version = str(getattr(model, "VERSION_DOC", "")) or None
    field_docs = {"date_modified": version} if version else {}
    return dict(record(model, new_names(), namespace=SNAPSHOT_NAMESPACE, doc=doc, field_docs=field_docs))


def schema_text(schema: dict[str, Any]) -> str:
    """The committed form of a schema: JSON indented by two, UTF-8, newline-terminated."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def new_names() -> _Names:
    return _Names()
