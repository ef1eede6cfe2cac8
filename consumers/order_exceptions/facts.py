"""Order snapshot + trigger + detected exception → :class:`routing.RoutingFacts` for order-exceptions.

One facts object per detected exception state (usually zero or one); the customer and order sections are
the ones every order flow shares (:mod:`consumers.documents.orders.facts`), plus ``exception`` (kind and
state) that the rules and the notices' idempotency keys (``version: {field: exception.state}``) read.
"""

from __future__ import annotations

from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.facts import Trigger, customer_facts, entity_version, order_facts
from consumers.order_exceptions.flow import FLOW
from routing import EventFacts, ExceptionFacts, RoutingFacts


def exception_facts(
    context: OrderContext, trigger: Trigger, found: list[ExceptionFacts]
) -> list[RoutingFacts]:
    order = context.snapshot.order
    event = EventFacts(
        scope=trigger.scope,
        event_id=trigger.event_id,
        occurred_at=trigger.occurred_at,
        previous_status_id=trigger.previous_status_id,
        new_status_id=trigger.new_status_id,
    )
    return [
        RoutingFacts(
            use_case=FLOW.use_case,
            store_hash=context.store.id,
            entity_type="order",
            entity_id=str(order.id),
            entity_version=entity_version(context),
            event=event,
            customer=customer_facts(context),
            order=order_facts(context),
            exception=exception,
        )
        for exception in found
    ]
