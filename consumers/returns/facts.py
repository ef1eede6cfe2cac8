"""Routing facts for the returns flow: one per return state (``commerce.returns.v1``) or refund
(``commerce.refunds.v1``). Pure.

A return's facts are about the entity ``return``/``return_id`` (so its documents are once per return); a
refund's about the entity ``order``/``order_id`` with the refund id as the confirmation's version (one per
refund, partial refunds each their own). Return scopes are ``bcx/returns/<state>``: no webhook announces a
return.
"""

from __future__ import annotations

from bcx.contracts.commerce_refunds import RefundSnapshotRecord
from bcx.contracts.commerce_returns import ReturnRecord
from consumers.documents.regions import subdivision
from routing import CustomerFacts, EventFacts, RefundFacts, ReturnFacts, RoutingFacts

USE_CASE = "returns"


def days_since_delivery(record: ReturnRecord) -> int | None:
    """Whole days from delivery (else the order) to the request; ``None`` when neither date is known."""
    start = record.delivered_at or record.ordered_at
    if start is None:
        return None
    return max(0, (record.requested_at - start).days)


def return_facts(record: ReturnRecord) -> RoutingFacts:
    address = record.customer.address
    country = address.country_iso2.upper() or None
    region = address.region or (subdivision(address.country_iso2, address.state) if country else None)
    return RoutingFacts(
        use_case=USE_CASE,
        store_hash=record.store_hash,
        entity_type="return",
        entity_id=record.return_id,
        entity_version=record.version,
        event=EventFacts(
            scope=f"bcx/returns/{record.state.value}",
            event_id=record.event_id or None,
            occurred_at=record.updated_at,
        ),
        customer=CustomerFacts(
            customer_id=record.customer.customer_id or None,
            is_guest=not record.customer.customer_id,
            country=country,
            region=region,
            locale=record.customer.locale or None,
            has_email=bool(record.customer.email),
            has_postal_address=bool(address.street_1),
        ),
        returns=ReturnFacts(
            return_id=record.return_id,
            state=record.state.value,
            resolution=record.resolution.value,
            reason_code=record.reason_code,
            categories=frozenset(line.category.lower() for line in record.lines if line.category),
            product_types=frozenset(line.product_type.lower() for line in record.lines if line.product_type),
            days_since_delivery=days_since_delivery(record),
        ),
    )


def refund_facts(record: RefundSnapshotRecord) -> RoutingFacts | None:
    """The refund's facts; ``None`` for a deleted refund (nothing to confirm)."""
    refund = record.refund
    if record.deleted or refund is None:
        return None
    customer = record.customer
    return RoutingFacts(
        use_case=USE_CASE,
        store_hash=record.store_hash,
        entity_type="order",
        entity_id=str(record.order_id),
        entity_version=record.date_modified.isoformat() if record.date_modified else "1",
        event=EventFacts(
            scope=record.trigger.scope,
            event_id=record.trigger.event_id,
            occurred_at=record.trigger.created_at,
        ),
        customer=CustomerFacts(
            customer_id=customer.id if customer else None,
            is_guest=customer is None,
            has_email=bool(customer and customer.email),
        ),
        refund=RefundFacts(
            refund_id=refund.id,
            total_amount=refund.total_amount,
            # a refund of some lines only, or of an amount without lines, is partial as far as we can tell
            is_partial=bool(refund.items) and any(i.item_type != "ORDER" for i in refund.items),
            reason=refund.reason or None,
        ),
    )
