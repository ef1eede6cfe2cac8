"""Partial routing facts from a bare BigCommerce webhook body, for ``bcx routing explain`` on an event file.

A webhook carries ids only, so these facts hold what the event says (scope, store, entity, status
transition as a hint of the current status, refund id) and defaults for everything else. Every other fact
is unknown: :func:`mark_unknown` rewrites an explanation so conditions on those facts say "unknown" instead
of showing a default (``customer.is_b2b = false``) as if the customer had been looked up. Consumers build
full facts from the enriched snapshot instead; this is for operators asking "what would this event do".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from routing.decision import ConditionResult, RoutingDecision, RuleEvaluation, RuleOutcome
from routing.errors import RoutingError
from routing.facts import CartFacts, EventFacts, OrderFacts, RefundFacts, RoutingFacts
from routing.fieldpaths import field_registry

#: the facts a webhook body gives; order.status_id is the transition's new status (a hint, see above)
WEBHOOK_FIELDS = frozenset(
    {
        "use_case",
        "store_hash",
        "entity_type",
        "entity_id",
        "event.scope",
        "event.event_id",
        "event.occurred_at",
        "event.previous_status_id",
        "event.new_status_id",
        "order.order_id",
        "order.status_id",
        "refund.refund_id",
        "cart.cart_id",
    }
)


def looks_like_webhook(body: Mapping[str, Any]) -> bool:
    """Whether ``body`` is a BigCommerce webhook callback rather than routing facts."""
    return "scope" in body and "producer" in body and "use_case" not in body


def facts_from_webhook(body: Mapping[str, Any], use_case: str) -> RoutingFacts:
    """Routing facts from a webhook ``body`` for ``use_case`` (which flow a scope feeds is the flows'
    declarations' knowledge: ``consumers.registry.use_case_for_scope``)."""
    scope = str(body.get("scope", ""))
    producer = str(body.get("producer", ""))
    data = body.get("data")
    if not producer.startswith("stores/") or not isinstance(data, Mapping):
        raise RoutingError(
            "not a BigCommerce webhook body: expected producer 'stores/<hash>' and a data object"
        )
    entity_type = str(data.get("type", "order"))
    entity_id = str(data.get("id", data.get("order_id", data.get("cart_id", ""))))
    raw_status = data.get("status")
    status: Mapping[str, Any] = raw_status if isinstance(raw_status, Mapping) else {}
    created = body.get("created_at")
    event = EventFacts(
        scope=scope,
        event_id=str(body["hash"]) if body.get("hash") else None,
        occurred_at=datetime.fromtimestamp(created, UTC) if isinstance(created, int) else None,
        previous_status_id=status.get("previous_status_id"),
        new_status_id=status.get("new_status_id"),
    )
    is_order = entity_type == "order" and entity_id.isdigit()
    order = OrderFacts(order_id=int(entity_id), status_id=event.new_status_id) if is_order else None
    refund = data.get("refund")
    return RoutingFacts(
        use_case=use_case,
        store_hash=producer.removeprefix("stores/"),
        entity_type=entity_type,
        entity_id=entity_id,
        event=event,
        order=order,
        refund=RefundFacts(refund_id=refund["refund_id"]) if isinstance(refund, Mapping) else None,
        cart=CartFacts(cart_id=entity_id) if entity_type == "cart" else None,
    )


def unknown_fields() -> frozenset[str]:
    """The facts paths a webhook body does not give."""
    return frozenset(field_registry()) - WEBHOOK_FIELDS


def _field_of(result: ConditionResult, unknown: frozenset[str]) -> str | None:
    # a field condition's text starts with its path ("customer.is_b2b equals true")
    head = result.text.split(" ", 1)[0]
    return head if head in unknown else None


def _mark(result: ConditionResult, unknown: frozenset[str]) -> ConditionResult:
    children = tuple(_mark(child, unknown) for child in result.children)
    field = _field_of(result, unknown)
    if field is None:
        return result.model_copy(update={"children": children})
    return result.model_copy(update={"actual": None, "detail": f"{field} unknown", "children": children})


def is_unknown(result: ConditionResult) -> bool:
    """Whether :func:`mark_unknown` marked ``result`` as testing a fact the webhook does not give."""
    return result.detail == f"{result.text.split(' ', 1)[0]} unknown"


def _rule(rule: RuleEvaluation, unknown: frozenset[str]) -> RuleEvaluation:
    conditions = tuple(_mark(result, unknown) for result in rule.conditions)
    update: dict[str, Any] = {"conditions": conditions}
    if rule.outcome is RuleOutcome.NOT_MATCHED:
        failed = "; ".join(
            f"{r.text} ({r.detail})" if r.detail else r.text for r in conditions if not r.passed
        )
        update["reason"] = f"failed: {failed}"
    return rule.model_copy(update=update)


def mark_unknown(decision: RoutingDecision, unknown: frozenset[str]) -> RoutingDecision:
    """``decision`` with every condition on an ``unknown`` fact saying so instead of showing its default."""
    return decision.model_copy(update={"rules": tuple(_rule(rule, unknown) for rule in decision.rules)})
