"""Conditions: the ``when`` of a rule, a requirement or a suppression, and their explained evaluation.

A condition is one of (YAML shown)::

    {field: order.status_id, in: [9, 10, 11]}          # one operator per field condition
    {status_transition: {to: [6], from_not: [6]}}      # the event's previous → new order status
    {any: [<condition>, …]}   {all: [<condition>, …]}   {not: <condition>}

Operators: ``equals``, ``not_equals``, ``in``, ``not_in``, ``exists`` (true/false), ``gt``, ``gte``, ``lt``,
``lte`` (numbers and dates), ``contains``, ``contains_any`` (set fields such as ``customer.opt_outs``).
An absent field (a guest's ``customer.group_id``, an event without a transition) equals nothing, is in
nothing, compares false, and satisfies ``not_equals``/``not_in``/``exists: false``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, model_validator

from routing.decision import ConditionResult, plain, show
from routing.facts import RoutingFacts
from routing.fieldpaths import FieldInfo, lookup_field, resolve

Operator = Literal[
    "equals", "not_equals", "in", "not_in", "exists", "gt", "gte", "lt", "lte", "contains", "contains_any"
]
OPERATORS: tuple[str, ...] = get_args(Operator)
_SCALAR_OPS = frozenset({"equals", "not_equals", "gt", "gte", "lt", "lte"})
_LIST_OPS = frozenset({"in", "not_in"})
_COLLECTION_OPS = frozenset({"contains", "contains_any"})
_ORDER_OPS = frozenset({"gt", "gte", "lt", "lte"})


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _operand(info: FieldInfo, op: str, raw: Any) -> Any:
    if op == "exists":
        return TypeAdapter(bool).validate_python(raw, strict=True)
    if info.collection and op not in _COLLECTION_OPS | {"exists"}:
        raise ValueError(f"{info.path} is a {info.type_name}: use contains or contains_any, not {op}")
    if not info.collection and op in _COLLECTION_OPS:
        raise ValueError(f"{info.path} is a single {info.type_name}: {op} needs a set field")
    if op in _ORDER_OPS and not info.ordered:
        raise ValueError(f"{info.path} is a {info.type_name}: {op} needs a number or a date")
    many = op in _LIST_OPS or op == "contains_any"
    target: Any = list.__class_getitem__(info.scalar) if many else info.scalar
    adapter: TypeAdapter[Any] = TypeAdapter(target)
    try:
        value = adapter.validate_python(raw)
    except ValueError as exc:
        want = f"a list of {info.scalar.__name__}" if many else info.scalar.__name__
        raise ValueError(f"{info.path} {op} expects {want}, got {raw!r}") from exc
    return tuple(value) if many else value


class FieldCondition(_Node):
    """``{field: <path>, <operator>: <operand>}``, normalised to ``field``/``op``/``value``."""

    field: str
    op: Operator
    value: Any

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "op" in data:
            return data
        ops = [key for key in data if key != "field"]
        unknown = [key for key in ops if key not in OPERATORS]
        if unknown:
            raise ValueError(f"unknown operator {unknown[0]!r}; operators are {', '.join(OPERATORS)}")
        if len(ops) != 1:
            raise ValueError(f"a field condition takes exactly one operator, got {len(ops)}")
        if not isinstance(data.get("field"), str):
            raise ValueError("field must be a dotted path such as order.status_id")
        info = lookup_field(data["field"])
        return {"field": info.path, "op": ops[0], "value": _operand(info, ops[0], data[ops[0]])}

    def describe(self) -> str:
        return f"{self.field} {self.op} {show(self.value)}"


class Transition(_Node):
    """Constraints on the event's order status transition; at least one is given."""

    from_: tuple[int, ...] | None = Field(default=None, alias="from")
    from_not: tuple[int, ...] | None = None
    to: tuple[int, ...] | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Transition:
        if self.from_ is None and self.from_not is None and self.to is None:
            raise ValueError("status_transition needs at least one of from, from_not, to")
        return self


class TransitionCondition(_Node):
    status_transition: Transition

    def describe(self) -> str:
        t = self.status_transition
        parts = [
            f"{name} {list(values)}"
            for name, values in (("from", t.from_), ("from_not", t.from_not), ("to", t.to))
            if values is not None
        ]
        return "status_transition " + ", ".join(parts)


class AllCondition(_Node):
    all: tuple[Condition, ...] = Field(min_length=1)


class AnyCondition(_Node):
    any: tuple[Condition, ...] = Field(min_length=1)


class NotCondition(_Node):
    not_: Condition = Field(alias="not")


def _tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("field", "any", "all", "not", "status_transition"):
            if key in value:
                return _KEY_TAGS[key]
        return None
    return _CLASS_TAGS.get(type(value))


Condition = Annotated[
    Annotated[FieldCondition, Tag("field-condition")]
    | Annotated[TransitionCondition, Tag("transition-condition")]
    | Annotated[AllCondition, Tag("all-condition")]
    | Annotated[AnyCondition, Tag("any-condition")]
    | Annotated[NotCondition, Tag("not-condition")],
    Discriminator(
        _tag,
        custom_error_type="condition",
        custom_error_message="a condition is {field: …, <operator>: …}, {status_transition: …}, "
        "{any: […]}, {all: […]} or {not: …}",
    ),
]
# Tags are not YAML keys, so error locations skip them and point at the condition itself.
_KEY_TAGS = {
    "field": "field-condition",
    "status_transition": "transition-condition",
    "all": "all-condition",
    "any": "any-condition",
    "not": "not-condition",
}
_CLASS_TAGS: dict[type, str] = {
    FieldCondition: "field-condition",
    TransitionCondition: "transition-condition",
    AllCondition: "all-condition",
    AnyCondition: "any-condition",
    NotCondition: "not-condition",
}
for _model in (AllCondition, AnyCondition, NotCondition):
    _model.model_rebuild()


def _compare(op: str, actual: Any, operand: Any) -> bool:
    if op == "exists":
        return (actual is not None) is operand
    if actual is None:
        return op in ("not_equals", "not_in")
    checks: dict[str, Any] = {
        "equals": lambda: actual == operand,
        "not_equals": lambda: actual != operand,
        "in": lambda: actual in operand,
        "not_in": lambda: actual not in operand,
        "gt": lambda: actual > operand,
        "gte": lambda: actual >= operand,
        "lt": lambda: actual < operand,
        "lte": lambda: actual <= operand,
        "contains": lambda: operand in actual,
        "contains_any": lambda: any(item in actual for item in operand),
    }
    try:
        return bool(checks[op]())
    except TypeError:
        return False  # e.g. a naive date in a rule against an aware one in the facts: not comparable


def _transition(cond: TransitionCondition, facts: RoutingFacts) -> ConditionResult:
    t = cond.status_transition
    old, new = facts.event.previous_status_id, facts.event.new_status_id
    actual = None if new is None else {"from": old, "to": new}
    if new is None:
        passed, detail = False, "the event carries no status transition"
    else:
        passed = (
            (t.to is None or new in t.to)
            and (t.from_ is None or old in t.from_)
            and (t.from_not is None or old not in t.from_not)
        )
        detail = f"status went {old} → {new}"
    return ConditionResult(text=cond.describe(), passed=passed, actual=actual, detail=detail)


def evaluate_condition(cond: Condition, facts: RoutingFacts) -> ConditionResult:
    """Evaluate ``cond`` against ``facts`` and say why it passed or failed."""
    if isinstance(cond, FieldCondition):
        actual = resolve(facts, cond.field)
        passed = _compare(cond.op, actual, cond.value)
        detail = f"{cond.field} is not set" if actual is None else f"{cond.field} = {show(actual)}"
        return ConditionResult(text=cond.describe(), passed=passed, actual=plain(actual), detail=detail)
    if isinstance(cond, TransitionCondition):
        return _transition(cond, facts)
    if isinstance(cond, NotCondition):
        inner = evaluate_condition(cond.not_, facts)
        return ConditionResult(text="not", passed=not inner.passed, children=(inner,))
    children = tuple(
        evaluate_condition(c, facts) for c in (cond.all if isinstance(cond, AllCondition) else cond.any)
    )
    if isinstance(cond, AllCondition):
        return ConditionResult(text="all of", passed=all(c.passed for c in children), children=children)
    return ConditionResult(text="any of", passed=any(c.passed for c in children), children=children)


def evaluate_all(
    conditions: tuple[Condition, ...], facts: RoutingFacts
) -> tuple[bool, tuple[ConditionResult, ...]]:
    """Evaluate an implicit ``all`` list; every condition is evaluated so the explanation is complete."""
    results = tuple(evaluate_condition(c, facts) for c in conditions)
    return all(r.passed for r in results), results
