"""v3 transactions and refunds of a generated order, consistent with its status."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from simulators.bigcommerce.timefmt import iso


def transaction(
    transaction_id: int,
    order_id: int,
    event: str,
    amount: Decimal,
    currency: str,
    when: datetime,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": transaction_id,
        "order_id": str(order_id),
        "event": event,
        "method": "credit_card",
        "amount": float(amount),
        "currency": currency,
        "gateway": "braintree",
        "gateway_transaction_id": f"bt-{transaction_id}",
        "payment_method_id": "braintree.card",
        "date_created": iso(when),
        "test": extra.pop("test", False),
        "status": extra.pop("status", "ok"),
        "fraud_review": extra.pop("fraud_review", False),
        "reference_transaction_id": 0,
        "offline": None,
        "custom": None,
        "avs_result": {
            "code": "M",
            "message": "Street address matches",
            "street_match": "Y",
            "postal_match": "Y",
        },
        "cvv_result": {"code": "M", "message": "CVV matches"},
        "credit_card": {
            "card_type": "visa",
            "card_iin": "411111",
            "card_last4": "1111",
            "card_expiry_month": 12,
            "card_expiry_year": 2030,
        },
        "gift_certificate": None,
        "store_credit": None,
        **extra,
    }


def transactions(
    order_id: int, status: int, total: Decimal, currency: str, created: datetime
) -> list[dict[str, Any]]:
    base = order_id * 10
    when = created + timedelta(minutes=1)
    if status in (0, 1):
        return []
    if status == 6:
        return [transaction(base + 1, order_id, "purchase", total, currency, when, status="error")]
    if status == 7:
        return [transaction(base + 1, order_id, "pending", total, currency, when)]
    if status == 12:
        return [transaction(base + 1, order_id, "authorization", total, currency, when, fraud_review=True)]
    if status == 5:
        return [
            transaction(base + 1, order_id, "authorization", total, currency, when),
            transaction(base + 2, order_id, "void", total, currency, when + timedelta(hours=2)),
        ]
    result = [transaction(base + 1, order_id, "purchase", total, currency, when)]
    if status in (4, 14):
        refunded = total if status == 4 else Decimal(0)
        result.append(transaction(base + 2, order_id, "refund", refunded, currency, when + timedelta(days=3)))
    return result


def refunds(
    order_id: int, status: int, products: list[dict[str, Any]], total: Decimal, created: datetime
) -> list[dict[str, Any]]:
    """A full refund for status 4, a one-item refund for 14; refund ids are ``order_id·10 + k``."""
    if status not in (4, 14):
        return []
    refunded = [p for p in products if p["quantity_refunded"] > 0]
    amount = (
        total
        if status == 4
        else sum((Decimal(p["price_inc_tax"]) * p["quantity_refunded"] for p in refunded), Decimal(0))
    )
    return [
        refund_record(
            order_id * 10 + 1, order_id, refunded, amount, created + timedelta(days=3), "Customer return"
        )
    ]


def refund_record(
    refund_id: int,
    order_id: int,
    products: list[dict[str, Any]],
    amount: Decimal,
    when: datetime,
    reason: str,
) -> dict[str, Any]:
    tax = sum((Decimal(p["price_tax"]) * p["quantity_refunded"] for p in products), Decimal(0))
    return {
        "id": refund_id,
        "order_id": order_id,
        "user_id": 0,
        "created": iso(when),
        "reason": reason,
        "total_amount": float(amount.quantize(Decimal("0.01"))),
        "total_tax": float(tax.quantize(Decimal("0.01"))),
        "uses_merchant_override_values": False,
        "items": [
            {
                "item_type": "PRODUCT",
                "item_id": p["id"],
                "quantity": p["quantity_refunded"],
                "reason": reason,
            }
            for p in products
        ],
        "payments": [
            {
                "id": refund_id,
                "provider_id": "braintree",
                "amount": float(amount.quantize(Decimal("0.01"))),
                "offline": False,
                "is_declined": False,
                "declined_message": "",
            }
        ],
    }
