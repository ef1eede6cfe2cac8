"""Partial routing facts from a bare BigCommerce webhook body, for ``bcx routing explain`` on an event file.

A webhook carries ids only, so these facts hold what the event says (scope, store, entity, status
transition as a hint of the current status, refund id) and defaults for everything else. Consumers build
full facts from the enriched snapshot instead; this is for operators asking "what would this event do".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from routing.errors import RoutingError
from routing.facts import CartFacts, EventFacts, OrderFacts, RefundFacts, RoutingFacts


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
