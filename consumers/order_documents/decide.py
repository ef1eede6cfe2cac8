"""Which order documents are due for one snapshot: the order's facts (one per received payment) through
the documents kit's two-pass evaluation (:func:`consumers.documents.due.decide`). Pure."""

from __future__ import annotations

from collections.abc import Callable

from consumers.documents.due import decide, due_documents
from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.facts import Trigger
from consumers.order_documents.facts import order_document_facts
from routing import RoutingDecision, RuleSet

__all__ = ["decisions", "due_documents"]


def decisions(
    rules: RuleSet, context: OrderContext, trigger: Trigger, *, is_sent: Callable[[str], bool]
) -> list[RoutingDecision]:
    """The routing decisions for every facts object of this order (one per received payment)."""
    return decide(rules, order_document_facts(context, trigger), is_sent=is_sent)
