"""Which order documents are due for one snapshot: facts → routing decisions → one decision per key.

Pure (the ledger look-up is passed in as ``is_sent``). Evaluation runs twice when the ledger already knows
some of the candidate keys: the second pass gives routing those ``sent_keys`` so the explanation says
"already sent" instead of the document step silently skipping.
"""

from __future__ import annotations

from collections.abc import Callable

from consumers.order_documents.context import OrderContext
from consumers.order_documents.facts import Trigger, order_document_facts
from routing import DocumentDecision, RoutingDecision, RuleSet, evaluate


def decisions(
    rules: RuleSet, context: OrderContext, trigger: Trigger, *, is_sent: Callable[[str], bool]
) -> list[RoutingDecision]:
    """The routing decisions for every facts object of this order (one per received payment)."""
    facts = order_document_facts(context, trigger)
    first = [evaluate(rules, f) for f in facts]
    keys = {d.idempotency_key for r in first for d in r.documents if d.idempotency_key}
    sent = frozenset(k for k in keys if is_sent(k))
    if not sent:
        return first
    return [evaluate(rules, f.model_copy(update={"sent_keys": sent})) for f in facts]


def due_documents(decided: list[RoutingDecision]) -> list[DocumentDecision]:
    """Due documents across decisions, once per idempotency key, in decision order."""
    seen: dict[str, DocumentDecision] = {}
    for decision in decided:
        for document in decision.due:
            if document.idempotency_key and document.idempotency_key not in seen:
                seen[document.idempotency_key] = document
    return list(seen.values())
