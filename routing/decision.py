"""What the engine answers: a :class:`RoutingDecision` with one :class:`DocumentDecision` per candidate
document and the explanation of every step (conditions, rules, channels, locale, suppression).

Everything here is JSON-serialisable (``model_dump(mode="json")``) so the explanation can be logged, shown
by ``bcx routing explain --json`` or attached to a result event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from routing.facts import Channel, UseCaseName


def plain(value: Any) -> Any:
    """``value`` as plain JSON data, for explanations (sets sorted, decimals as strings)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def show(value: Any) -> str:
    """``value`` as a short JSON-like text for explanations (``true``, ``[2, 3]``, ``"captured"``)."""
    return json.dumps(plain(value), ensure_ascii=False)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ConditionResult(_Out):
    """One evaluated condition: its text, the value found, and whether it held."""

    text: str
    passed: bool
    actual: Any = None
    detail: str = ""
    children: tuple[ConditionResult, ...] = ()


class RuleOutcome(StrEnum):
    MATCHED = "matched"
    NOT_MATCHED = "not_matched"
    SKIPPED = "skipped"


class RuleEvaluation(_Out):
    """How one rule of the event's use case fared, in the order rules were considered."""

    rule: str
    priority: int
    outcome: RuleOutcome
    reason: str
    documents: tuple[str, ...] = ()
    conditions: tuple[ConditionResult, ...] = ()


class Step(_Out):
    """One policy step that shaped a document: which policy, what it did, and why."""

    policy: str
    effect: str
    reason: str = ""


class DocumentOutcome(StrEnum):
    DUE = "due"
    SUPPRESSED = "suppressed"


class DocumentDecision(_Out):
    """One document the rules asked for, and everything needed to request it from Exstream."""

    document_type: str
    category: str
    rule: str
    outcome: DocumentOutcome
    idempotency_key: str | None
    version: str | None
    communication_id: str
    driver_data_source: str
    communication_reason: str
    locale: str
    channels: tuple[Channel, ...]
    locale_steps: tuple[Step, ...] = ()
    channel_steps: tuple[Step, ...] = ()
    suppressions: tuple[Step, ...] = ()

    @property
    def due(self) -> bool:
        return self.outcome is DocumentOutcome.DUE


class RoutingDecision(_Out):
    """The answer for one event: the documents due (and suppressed), and why."""

    use_case: UseCaseName
    store_hash: str
    entity_type: str
    entity_id: str
    rules_digest: str
    documents: tuple[DocumentDecision, ...]
    rules: tuple[RuleEvaluation, ...]
    #: the returns policy's steps (a return's facts only): window, fee, refusal
    policy_steps: tuple[Step, ...] = ()

    @property
    def due(self) -> tuple[DocumentDecision, ...]:
        """The documents to produce now."""
        return tuple(d for d in self.documents if d.due)

    def document(self, document_type: str) -> DocumentDecision | None:
        """The decision for ``document_type``, if any rule asked for it."""
        return next((d for d in self.documents if d.document_type == document_type), None)

    def matched_rules(self) -> Iterable[RuleEvaluation]:
        return (r for r in self.rules if r.outcome is RuleOutcome.MATCHED)
