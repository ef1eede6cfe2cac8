"""Routing facts every order flow shares: who the customer is and where the order stands, from the
order snapshot (:mod:`consumers.documents.order_snapshot`). Facts describe the order's *current* state
(BigCommerce does not keep webhook order). Each flow adds its own sections (payments, exceptions, products)
in its own ``facts.py``. Pure.
"""

from __future__ import annotations

from datetime import UTC

from consumers.documents.order_context import OrderContext
from consumers.documents.regions import subdivision
from routing import Channel, CustomerFacts, OrderFacts

#: customer attribute / form field names the store uses for preferences (see CustomerSnapshot.preference)
DELIVERY_PREFERENCE = "document_delivery"
LANGUAGE_PREFERENCE = "preferred_language"
OPT_OUTS = "document_opt_outs"
SEGMENTS = "segments"


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
