"""Returns and refunds as a returns service and the enricher publish them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from bcx.contracts.commerce_common import Trigger
from bcx.contracts.commerce_orders import Refund, RefundItem
from bcx.contracts.commerce_profiles import CustomerProfile, StoreProfile
from bcx.contracts.commerce_refunds import RefundedLine, RefundSnapshotRecord
from bcx.contracts.commerce_returns import (
    ExchangeLine,
    Resolution,
    ReturnAddress,
    ReturnCustomer,
    ReturnLine,
    ReturnRecord,
    ReturnState,
    return_event_id,
)

STORE = "abc123"
DELIVERED = datetime(2026, 3, 1, 12, tzinfo=UTC)
WAREHOUSE = ReturnAddress(
    name="Returns department",
    company="Roe Outfitters",
    street_1="1 Warehouse Way",
    city="Austin",
    state="Texas",
    zip="78701",
    country_iso2="US",
)


def a_return(
    return_id: str = "R-1",
    *,
    state: ReturnState = ReturnState.REQUESTED,
    resolution: Resolution = Resolution.REFUND,
    category: str = "apparel",
    product_type: str = "apparel",
    reason: str = "changed_mind",
    days: int = 10,
    minutes: int = 0,
    **extra: Any,
) -> ReturnRecord:
    """A return of one order line, requested ``days`` after delivery; ``minutes`` later states."""
    updated = DELIVERED + timedelta(days=days, minutes=minutes)
    values: dict[str, Any] = {
        "return_id": return_id,
        "store_hash": STORE,
        "order_id": 100,
        "state": state,
        "resolution": resolution,
        "reason_code": reason,
        "lines": [
            ReturnLine(
                order_product_id=7,
                product_id=77,
                sku="TSHIRT-M",
                name="Organic T-shirt",
                quantity=2,
                category=category,
                product_type=product_type,
                weight_grams=600,
            )
        ],
        "exchange_lines": [ExchangeLine(sku="TSHIRT-L", name="Organic T-shirt L")]
        if resolution is Resolution.EXCHANGE
        else [],
        "customer": ReturnCustomer(
            customer_id=5,
            name="Jane Roe",
            email="jane@example.com",
            locale="en",
            address=ReturnAddress(
                name="Jane Roe",
                street_1="12 Elm Street",
                city="Portland",
                state="Oregon",
                zip="97201",
                country_iso2="US",
            ),
        ),
        "currency_code": "USD",
        "delivered_at": DELIVERED,
        "requested_at": DELIVERED + timedelta(days=days),
        "updated_at": updated,
        "event_id": return_event_id(STORE, return_id, state.value, updated),
    }
    values.update(extra)
    return ReturnRecord(**values)


def a_refund(refund_id: int, amount: str, *, order_id: int = 100) -> RefundSnapshotRecord:
    """A partial refund of one line of ``order_id``, enriched as the enricher publishes it."""
    created = datetime(2026, 3, 20, 9, tzinfo=UTC) + timedelta(minutes=refund_id)
    trigger = Trigger(
        event_id=f"evt-refund-{refund_id}",
        scope="store/order/refund/created",
        resource_type="order",
        resource_id=str(order_id),
        created_at=created,
    )
    return RefundSnapshotRecord(
        snapshot_id=f"snap-{refund_id}",
        store_hash=STORE,
        entity_type="refund",
        entity_id=str(refund_id),
        date_modified=created,
        fetched_at=created,
        content_digest="0" * 64,
        trigger=trigger,
        producer_version="test",
        order_id=order_id,
        currency_code="USD",
        refund=Refund(
            id=refund_id,
            order_id=order_id,
            created=created,
            reason="Customer return",
            total_amount=Decimal(amount),
            total_tax=Decimal("1.20"),
            items=[RefundItem(item_type="PRODUCT", item_id=7, quantity=1)],
        ),
        lines=[
            RefundedLine(
                order_product_id=7, name="Organic T-shirt", sku="TSHIRT-M", quantity=1, amount=Decimal(amount)
            )
        ],
        payment_method="Credit Card",
        customer=CustomerProfile(id=5, email="jane@example.com", first_name="Jane", last_name="Roe"),
        store=StoreProfile(
            id=STORE, name="Roe Outfitters", address="1 Main St\nAustin, TX", country_code="US"
        ),
    )
