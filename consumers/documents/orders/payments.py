"""Which of an order's transactions count as money received (routing facts and receipts share this).

A payment is *received* by a successful ``purchase`` (sale) or ``capture`` transaction, else by ``settled``
ones; an ``authorization`` only reserves money. Pure.
"""

from __future__ import annotations

from bcx.bigcommerce.models import Transaction
from consumers.documents.orders.context import OrderContext


def received_payments(context: OrderContext) -> list[Transaction]:
    """Successful money-receiving transactions, oldest first (settlements only when nothing else exists,
    since a settlement may confirm a capture already counted)."""
    ok = [t for t in context.snapshot.transactions if t.status == "ok"]
    direct = [t for t in ok if t.event in ("purchase", "capture")]
    chosen = direct or [t for t in ok if t.event == "settled"]
    return sorted(chosen, key=lambda t: (t.date_created is None, t.date_created, t.id))


def find_transaction(context: OrderContext, transaction_id: str) -> Transaction | None:
    return next((t for t in context.snapshot.transactions if str(t.id) == transaction_id), None)
