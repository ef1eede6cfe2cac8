"""Payment facts of an order (which transactions count as money received) and the totals block.

BigCommerce's ``payment_status`` says where the order stands; the v3 transactions say what actually moved.
A payment is *received* by a successful ``purchase`` (sale), ``capture`` or ``settled`` transaction; an
``authorization`` only reserves money. Orders paid offline (``Manual``, ``Cash``…) have no transactions; a
``captured``/``paid`` status then stands for the whole total.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bcx.bigcommerce.models import Transaction
from consumers.documents.orders.context import OrderContext, extra
from consumers.documents.orders.payments import received_payments
from consumers.documents.presenter import Presenter
from consumers.order_documents.sections import wrapping_cost

PAYMENT_EVENTS = frozenset({"purchase", "capture", "settled"})
PAID_STATUSES = frozenset({"captured", "paid", "partially refunded", "refunded"})
CREDIT_METHODS = frozenset({"gift_certificate", "store_credit"})

_STATUS_LABELS = {
    "": "Not paid",
    "authorized": "Authorized",
    "captured": "Paid",
    "capture pending": "Capture pending",
    "declined": "Declined",
    "held for review": "Held for review",
    "paid": "Paid",
    "partially refunded": "Partially refunded",
    "pending": "Pending",
    "refunded": "Refunded",
    "void": "Voided",
    "void pending": "Void pending",
}

_METHOD_LABELS = {
    "credit_card": "Card",
    "electronic_wallet": "Electronic wallet",
    "gift_certificate": "Gift certificate",
    "store_credit": "Store credit",
    "apple_pay_card": "Apple Pay",
    "apple_pay_token": "Apple Pay",
    "bank_deposit": "Bank deposit",
    "cash": "Cash",
    "cod": "Cash on delivery",
    "cheque": "Cheque",
    "money_order": "Money order",
    "custom": "Custom payment",
    "token": "Saved card",
    "nonce": "Card",
    "offsite": "Offsite payment",
}


def latest_payment(context: OrderContext) -> Transaction | None:
    """The most recent successful payment transaction, if any."""
    payments = received_payments(context)
    return payments[-1] if payments else None


def is_paid(context: OrderContext) -> bool:
    """Whether money was received: a successful payment transaction or a paid status."""
    return bool(received_payments(context)) or context.snapshot.order.payment_status in PAID_STATUSES


def status_label(payment_status: str) -> str:
    return _STATUS_LABELS.get(payment_status, payment_status.capitalize())


def method_label(transaction: Transaction) -> str:
    """``Visa ending in 1111`` for cards, else a readable method name (no full card data is ever sent)."""
    card = extra(transaction, "credit_card")
    if isinstance(card, dict) and card.get("card_last4"):
        brand = str(card.get("card_type") or "card").replace("_", " ").title()
        return f"{brand} ending in {card['card_last4']}"
    wallet = extra(transaction, "payment_method_id")
    label = _METHOD_LABELS.get(transaction.method, transaction.method.replace("_", " ").capitalize())
    return f"{label} ({wallet})" if transaction.method == "electronic_wallet" and wallet else label


def transaction_block(transaction: Transaction, show: Presenter) -> dict[str, Any]:
    return {
        "id": str(transaction.id),
        "event": transaction.event,
        "status": transaction.status,
        "method": transaction.method,
        "methodLabel": method_label(transaction),
        "gateway": transaction.gateway,
        "gatewayReference": transaction.gateway_transaction_id,
        "amount": show.money(transaction.amount, transaction.currency or None),
        "date": show.date(transaction.date_created),
    }


def amount_paid(context: OrderContext) -> Decimal:
    """Money received so far, gift certificates and store credit included (each counted once: from the
    order's amounts, not again from their own transactions)."""
    order = context.snapshot.order
    credits = order.gift_certificate_amount + order.store_credit_amount
    payments = received_payments(context)
    if payments:
        return credits + sum((t.amount for t in payments if t.method not in CREDIT_METHODS), Decimal(0))
    if order.payment_status in PAID_STATUSES:
        return order.total_inc_tax
    return credits


def payment_section(context: OrderContext, show: Presenter) -> dict[str, Any]:
    order = context.snapshot.order
    latest = latest_payment(context)
    return {
        "status": order.payment_status,
        "statusLabel": status_label(order.payment_status),
        "isPaid": is_paid(context),
        "method": order.payment_method or (method_label(latest) if latest else ""),
        "methodDetail": method_label(latest) if latest else order.payment_method,
        "amountPaid": show.money(amount_paid(context)),
        "paidAt": show.date(latest.date_created) if latest else None,
        "transactions": [transaction_block(t, show) for t in context.snapshot.transactions],
    }


def totals_section(context: OrderContext, show: Presenter) -> dict[str, Any]:
    """The totals block, in the transactional currency; optional rows are ``None`` when zero."""
    order = context.snapshot.order
    inclusive = order.is_tax_inclusive_pricing
    handling = order.handling_cost_inc_tax if inclusive else order.handling_cost_ex_tax
    wrapping = wrapping_cost(context)
    paid = amount_paid(context)
    balance = max(Decimal(0), order.total_inc_tax - paid)
    return {
        "taxInclusive": inclusive,
        "subtotal": show.money(order.subtotal_inc_tax if inclusive else order.subtotal_ex_tax),
        "discount": show.negative(order.discount_amount) if order.discount_amount else None,
        "couponDiscount": show.negative(order.coupon_discount) if order.coupon_discount else None,
        "shipping": show.money(order.shipping_cost_inc_tax if inclusive else order.shipping_cost_ex_tax),
        "handling": show.money(handling) if handling else None,
        "wrapping": show.money(wrapping) if wrapping else None,
        "tax": show.money(order.total_tax),
        "total": show.money(order.total_inc_tax),
        "totalExTax": show.money(order.total_ex_tax),
        "giftCertificate": show.negative(order.gift_certificate_amount)
        if order.gift_certificate_amount
        else None,
        "storeCredit": show.negative(order.store_credit_amount) if order.store_credit_amount else None,
        "amountPaid": show.money(paid),
        "balanceDue": show.money(balance),
        "refunded": show.negative(_refunded(context)) if _refunded(context) else None,
    }


def _refunded(context: OrderContext) -> Decimal:
    return sum((r.total_amount for r in context.snapshot.refunds), Decimal(0))
