"""Dotted field paths over :class:`~routing.facts.RoutingFacts`: what rules may name, and how to read them.

The registry is derived from the facts model itself, so a rule naming a field that does not exist fails at
load time with the list of close names, and operands are type-checked against the field's type.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

from pydantic import BaseModel

from routing.facts import RoutingFacts

_MISSING: Any = object()


@dataclass(frozen=True)
class FieldInfo:
    """One addressable leaf: its path, its scalar type and whether it is a collection of that type."""

    path: str
    scalar: type[Any]
    collection: bool
    description: str

    @property
    def ordered(self) -> bool:
        """Whether ``gt``/``lt`` comparisons make sense (numbers and dates)."""
        return not self.collection and self.scalar not in (bool, str) and not issubclass(self.scalar, Enum)

    @property
    def type_name(self) -> str:
        name = self.scalar.__name__
        return f"set of {name}" if self.collection else name


def _unwrap_optional(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _walk(model: type[BaseModel], prefix: str, out: dict[str, FieldInfo]) -> None:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = _unwrap_optional(field.annotation)
        origin = typing.get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _walk(annotation, f"{path}.", out)
        elif origin in (frozenset, tuple, set, list):
            out[path] = FieldInfo(path, typing.get_args(annotation)[0], True, field.description or "")
        elif isinstance(annotation, type):
            out[path] = FieldInfo(path, annotation, False, field.description or "")


@cache
def field_registry() -> dict[str, FieldInfo]:
    """Every leaf path of :class:`RoutingFacts`, e.g. ``order.status_id`` → ``int``."""
    out: dict[str, FieldInfo] = {}
    _walk(RoutingFacts, "", out)
    out.pop("sent_keys", None)  # the engine's own input, not something rules should branch on
    return out


def lookup_field(path: str) -> FieldInfo:
    """The field named ``path``; raises ``ValueError`` naming close matches when there is none."""
    registry = field_registry()
    info = registry.get(path)
    if info is None:
        close = difflib.get_close_matches(path, list(registry), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; run `bcx routing fields` for the list"
        raise ValueError(f"unknown field {path!r}{hint}")
    return info


def resolve(facts: BaseModel, path: str) -> Any:
    """The value at ``path`` in ``facts``, or ``None`` when it or a parent section is absent."""
    value: Any = facts
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part, _MISSING)
        if value is _MISSING:
            raise KeyError(path)
    return value
