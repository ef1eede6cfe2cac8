"""``commerce.refunds.v1``: one refund (v3 payment actions) with the order's currency, the refunded lines,
the order's payment method and its customer — what a refund letter needs.

Refunds are immutable once created, so ``date_modified`` is the refund's ``created`` time. The order the
refund belongs to is published to ``commerce.orders.v1`` by the same event.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

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

    VERSION_DOC: ClassVar[str] = "Snapshot version: the refund's created time (refunds are immutable)."

    order_id: int
    currency_code: str = ""
    refund: Refund | None = None
    lines: list[RefundedLine] = Field(
        default_factory=list,
        description="The order lines the refund gives money back for (refund items of type PRODUCT joined "
        "with the order's products).",
    )
    payment_method: str = Field(
        default="", description="The order's payment method, which the money goes back through."
    )
    customer: CustomerProfile | None = Field(
        default=None, description="The order's registered customer (null for guests)."
    )
    store: StoreProfile | None = Field(
        default=None, description="The store's profile (see commerce.orders.v1)."
    )
