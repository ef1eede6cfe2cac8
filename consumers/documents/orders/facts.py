"""Order snapshot + the event that woke us → :class:`routing.RoutingFacts`, for every flow about orders.

Facts describe the order's *current* state (BigCommerce does not keep webhook order), plus the trigger.
Payments follow routing's README: ``payment`` is the transaction the event is about, or the order's latest
successful one. Because one receipt is due per successful payment and events may be collapsed or lost,
:func:`order_routing_facts` gives one facts object per received payment so none is ever skipped; their
decisions share the confirmation and invoice keys, which the caller de-duplicates. ``products`` lists the
lines' catalogue categories and product types (physical, digital) as the enricher carried them, so returns
policy or onboarding rules can match on them. The flow passes its own use-case name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from bcx.bigcommerce.models import Transaction
from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.payments import find_transaction, received_payments
from consumers.documents.regions import subdivision
from routing import (
    Channel,
    CustomerFacts,
    EventFacts,
    OrderFacts,
    PaymentFacts,
    ProductFacts,
    RoutingFacts,
)

#: customer attribute / form field names the store uses for preferences (see CustomerSnapshot.preference)
DELIVERY_PREFERENCE = "document_delivery"
LANGUAGE_PREFERENCE = "preferred_language"
OPT_OUTS = "document_opt_outs"
SEGMENTS = "segments"


@dataclass(frozen=True)
class Trigger:
    """The event that woke the consumer: webhook scope, id, time, status transition, transaction."""

    scope: str
    event_id: str | None = None
    occurred_at: datetime | None = None
    previous_status_id: int | None = None
    new_status_id: int | None = None
    transaction_id: str | None = None


def entity_version(context: OrderContext) -> str:
    """The snapshot's version: its ``date_modified`` in UTC (what the enricher publishes), else ``1``."""
    modified = context.snapshot.order.date_modified
    return modified.astimezone(UTC).isoformat() if modified else "1"


def _split(value: str | None) -> list[str]:
    return [v.strip().lower() for v in (value or "").replace(";", ",").split(",") if v.strip()]


def _channels(value: str | None) -> tuple[Channel, ...]:
    known = {c.value: c for c in Channel}
    return tuple(dict.fromkeys(known[v] for v in _split(value) if v in known))


def customer_facts(context: OrderContext) -> CustomerFacts:
    order = context.snapshot.order
    billing = order.billing_address
    snapshot = context.customer
    company = context.company.company if context.company else None
    preference = snapshot.preference if snapshot else (lambda _name: None)
    group = snapshot.group if snapshot else None
    segments = set(_split(preference(SEGMENTS)))
    if group is not None and not group.is_default:
        segments.add(group.name.strip().lower())
    email = (snapshot.customer.email if snapshot else "") or billing.email
    country = billing.country_iso2.strip().upper() or None
    return CustomerFacts(
        customer_id=order.customer_id or None,
        is_guest=order.customer_id == 0,
        group_id=snapshot.customer.customer_group_id if snapshot else None,
        group_name=group.name if group else None,
        segments=frozenset(segments),
        is_b2b=company is not None,
        company_id=company.company_id if company else None,
        company_status=company.company_status if company else None,
        country=country,
        region=subdivision(country or "", billing.state),
        locale=order.customer_locale or preference(LANGUAGE_PREFERENCE) or None,
        preferred_channels=_channels(preference(DELIVERY_PREFERENCE)),
        has_email=bool(email.strip()),
        has_postal_address=bool(billing.street_1.strip() and billing.city.strip()),
        has_portal_account=order.customer_id != 0,
        marketing_consent=order.is_email_opt_in,
        opt_outs=frozenset(_split(preference(OPT_OUTS))),
    )


def order_facts(context: OrderContext) -> OrderFacts:
    order = context.snapshot.order
    return OrderFacts(
        order_id=order.id,
        status_id=order.status_id,
        status_name=order.status or None,
        payment_status=order.payment_status or None,
        payment_method=order.payment_method or None,
        is_test=False,  # BigCommerce marks test *payments*, not orders; see payment.is_test
        currency=context.transactional_currency,
        channel_id=order.channel_id,
        order_source=order.order_source or None,
        total_inc_tax=order.total_inc_tax,
        items_total=order.items_total,
        is_digital=order.order_is_digital,
    )


def product_facts(context: OrderContext) -> ProductFacts:
    """The order's catalogue products, their categories (union over the lines) and the lines' types."""
    lines = context.snapshot.products
    return ProductFacts(
        product_ids=frozenset(line.product_id for line in lines if line.product_id),
        category_ids=frozenset(c for line in lines for c in context.categories.get(line.product_id, ())),
        types=frozenset(line.type.strip().lower() for line in lines if line.type.strip()),
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


def order_routing_facts(
    context: OrderContext,
    trigger: Trigger,
    *,
    use_case: str,
    sent_keys: frozenset[str] = frozenset(),
    version: str | None = None,
) -> list[RoutingFacts]:
    """Routing facts of ``use_case`` for this order: one per received payment (the event's own transaction
    first), or a single one without ``payment`` when nothing was received yet. ``version`` defaults to
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
        "use_case": use_case,
        "store_hash": context.store.id,
        "entity_type": "order",
        "entity_id": str(order.id),
        "entity_version": version or entity_version(context),
        "event": event,
        "customer": customer_facts(context),
        "order": order_facts(context),
        "products": product_facts(context),
        "sent_keys": sent_keys,
    }
    return [
        RoutingFacts.model_validate({**base, "payment": payment_facts(t) if t is not None else None})
        for t in _payments(context, trigger)
    ]
