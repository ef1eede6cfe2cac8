"""``commerce.refunds.v1``: one refund (v3 payment actions) with the order's currency, the refunded lines,
the order's payment method and its customer — what a refund letter needs.

Refunds are immutable once created, so ``date_modified`` is the refund's ``created`` time. The order the
refund belongs to is published to ``commerce.orders.v1`` by the same event.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from bcx.contracts.base import Record
from bcx.contracts.commerce_common import DecimalText, SnapshotEnvelope
from bcx.contracts.commerce_orders import Refund
from bcx.contracts.commerce_profiles import CustomerProfile, StoreProfile

TOPIC = "commerce.refunds.v1"
ENTITY_TYPE = "refund"


class RefundedLine(Record):
    """An order line the refund gives money back for (refund items of type ``PRODUCT``)."""

    order_product_id: int
    product_id: int = 0
    name: str = ""
    sku: str = ""
    quantity: int = 0
    amount: DecimalText = Decimal(0)


class RefundSnapshotRecord(SnapshotEnvelope):
    """One refund; ``refund`` is null when ``deleted`` (the refund or its order no longer exists)."""

    order_id: int
    currency_code: str = ""
    refund: Refund | None = None
    lines: list[RefundedLine] = Field(default_factory=list)
    #: the order's payment method (``payment_method``), which the money goes back through
    payment_method: str = ""
    customer: CustomerProfile | None = None
    store: StoreProfile | None = None
