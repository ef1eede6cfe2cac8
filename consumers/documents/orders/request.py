"""An order document's request to the document step: who it is for (the order and its customer), where it
came from (the snapshot's trigger) and why (the decision's explanation). The same for every order flow."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.document_result import Recipient
from consumers.documents.explain import explain
from consumers.documents.orders.context import OrderContext
from consumers.runtime import DocumentRequest
from routing import DocumentDecision, RoutingDecision


def order_recipient(store_hash: str, context: OrderContext) -> Recipient:
    """The order (and its customer, when registered) a document is about."""
    order = context.snapshot.order
    return Recipient(
        store_hash=store_hash,
        customer_id=str(order.customer_id) if order.customer_id else None,
        entity_type="order",
        entity_id=str(order.id),
        order_id=str(order.id),
    )


def order_request(
    value: OrderSnapshotRecord,
    context: OrderContext,
    document: DocumentDecision,
    driver_data: dict[str, Any],
    decided: Sequence[RoutingDecision],
) -> DocumentRequest:
    """``document`` of the order in ``value``, with its driver data and the decision's explanation."""
    return DocumentRequest(
        decision=document,
        recipient=order_recipient(value.store_hash, context),
        driver_data=driver_data,
        source_event_id=value.trigger.event_id,
        event_created_at=value.trigger.created_at,
        explanation=explain(decided, document),
    )
