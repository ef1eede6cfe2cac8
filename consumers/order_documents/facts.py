"""The order-documents flow's routing facts: the shared order facts (:mod:`consumers.documents.orders.facts`)
under this flow's use-case name."""

from __future__ import annotations

from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.facts import Trigger, order_routing_facts
from consumers.order_documents.flow import FLOW
from routing import RoutingFacts


def order_document_facts(
    context: OrderContext,
    trigger: Trigger,
    *,
    sent_keys: frozenset[str] = frozenset(),
    version: str | None = None,
) -> list[RoutingFacts]:
    """:func:`~consumers.documents.orders.facts.order_routing_facts` for ``order_documents``."""
    return order_routing_facts(context, trigger, use_case=FLOW.use_case, sent_keys=sent_keys, version=version)
