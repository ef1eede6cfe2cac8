"""``commerce.refunds.v1``: one refund (v3 payment actions) with the order's currency.

Refunds are immutable once created, so ``date_modified`` is the refund's ``created`` time. The order the
refund belongs to is published to ``commerce.orders.v1`` by the same event.
"""

from __future__ import annotations

from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.contracts.commerce_orders import Refund

TOPIC = "commerce.refunds.v1"
ENTITY_TYPE = "refund"


class RefundSnapshotRecord(SnapshotEnvelope):
    """One refund; ``refund`` is null when ``deleted`` (the refund or its order no longer exists)."""

    order_id: int
    currency_code: str = ""
    refund: Refund | None = None
