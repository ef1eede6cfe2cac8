"""Order snapshot + the event that woke us → :class:`routing.RoutingFacts` for the order-documents use case.

Facts describe the order's *current* state (BigCommerce does not keep webhook order), plus the trigger.
Payments follow routing's README: ``payment`` is the transaction the event is about, or the order's latest
successful one. Because one receipt is due per successful payment and events may be collapsed or lost,
:func:`order_document_facts` gives one facts object per received payment so none is ever skipped; their
decisions share the confirmation and invoice keys, which the caller de-duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable

from bcx.bigcommerce.models import Transaction
from consumers.documents.order_context import OrderContext
from consumers.documents.order_facts import customer_facts, entity_version, order_facts
from consumers.documents.order_snapshot import Trigger
from consumers.order_documents.flow import FLOW
from consumers.order_documents.payments import find_transaction, received_payments
from routing import (
    EventFacts,
    PaymentFacts,
    RoutingFacts,
)


def payment_facts(transaction: Transaction) -> PaymentFacts:
    return PaymentFacts(
        transaction_id=str(transaction.id),
        event=transaction.event,
        status=transaction.status,
        method=transaction.method,
        amount=transaction.amount,
        is_test=transaction.test,
    )


def _payments(context: OrderContext, trigger: Trigger) -> Iterable[Transaction | None]:
    named = find_transaction(context, trigger.transaction_id) if trigger.transaction_id else None
    received = received_payments(context)
    chosen = ([named] if named is not None else []) + [t for t in received if t is not named]
    return chosen or [None]


def order_document_facts(
    context: OrderContext,
    trigger: Trigger,
    *,
    sent_keys: frozenset[str] = frozenset(),
    version: str | None = None,
) -> list[RoutingFacts]:
    """Routing facts for this order: one per received payment (the event's own transaction first), or a
    single one without ``payment`` when nothing was received yet. ``version`` defaults to
    :func:`entity_version`."""
    order = context.snapshot.order
    event = EventFacts(
        scope=trigger.scope,
        event_id=trigger.event_id,
        occurred_at=trigger.occurred_at,
        previous_status_id=trigger.previous_status_id,
        new_status_id=trigger.new_status_id,
    )
    base = {
        "use_case": FLOW.use_case,
        "store_hash": context.store.id,
        "entity_type": "order",
        "entity_id": str(order.id),
        "entity_version": version or entity_version(context),
        "event": event,
        "customer": customer_facts(context),
        "order": order_facts(context),
        "sent_keys": sent_keys,
    }
    return [
        RoutingFacts.model_validate({**base, "payment": payment_facts(t) if t is not None else None})
        for t in _payments(context, trigger)
    ]
