"""Order contexts for the order-documents tests: realistic ones from the BigCommerce simulator's generator
(the same data the end-to-end flow sees), and hand-made ones for edge cases."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bcx.bigcommerce.models import (
    CustomerSnapshot,
    OrderSnapshot,
    StoreInformation,
)
from consumers.documents.orders.context import OrderContext
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.state import StoreState

_STATE = StoreState(SimulatorConfig(orders=200), "simstore1", lambda: datetime(2026, 1, 1, tzinfo=UTC))


def store() -> StoreInformation:
    return StoreInformation.model_validate(_STATE.store_information())


def simulated(order_id: int) -> OrderContext:
    """Order ``order_id`` of the simulator's default store (orders 1..15 have statuses 0..14)."""
    record = _STATE.order_record(order_id)
    assert record is not None
    return OrderContext(snapshot=OrderSnapshot.model_validate(record), store=store())


def simulated_where(predicate: Any, start: int = 16) -> OrderContext:
    """The first simulated order (from ``start``) whose context satisfies ``predicate``."""
    for order_id in range(start, 200):
        context = simulated(order_id)
        if predicate(context):
            return context
    raise AssertionError("no simulated order matches")


def customer(customer_id: int) -> CustomerSnapshot:
    """The simulator's customer with attributes resolved by name, as the enricher resolves them."""
    raw = _STATE.customer(customer_id)
    assert raw is not None
    names = {1: "document_delivery", 2: "preferred_language"}
    attributes = {
        names.get(int(a["attribute_id"]), str(a["attribute_id"])): str(a["attribute_value"])
        for a in raw["attributes"]
    }
    return CustomerSnapshot.model_validate({"customer": raw, "attributes": attributes})


def order_record(**order: Any) -> dict[str, Any]:
    """A minimal, consistent v2 order (one line, one tax, one payment) with ``order`` fields overridden."""
    base: dict[str, Any] = {
        "id": 250,
        "customer_id": 0,
        "status_id": 11,
        "status": "Awaiting Fulfillment",
        "date_created": "Tue, 03 Mar 2026 15:30:00 +0000",
        "date_modified": "Tue, 03 Mar 2026 15:31:00 +0000",
        "subtotal_ex_tax": "100.0000",
        "subtotal_inc_tax": "120.0000",
        "shipping_cost_ex_tax": "10.0000",
        "shipping_cost_inc_tax": "12.0000",
        "total_ex_tax": "110.0000",
        "total_inc_tax": "132.0000",
        "total_tax": "22.0000",
        "currency_code": "GBP",
        "default_currency_code": "GBP",
        "store_default_currency_code": "GBP",
        "payment_method": "Credit Card",
        "payment_status": "captured",
        "billing_address": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "street_1": "12 Analytical Row",
            "city": "London",
            "state": "England",
            "zip": "N1 9GU",
            "country": "United Kingdom",
            "country_iso2": "GB",
            "email": "ada@example.com",
        },
    }
    base.update(order)
    return {
        "order": base,
        "products": [
            {
                "id": 1,
                "order_id": 250,
                "name": "Difference Engine",
                "sku": "DE-1",
                "quantity": 2,
                "price_ex_tax": "50.0000",
                "price_inc_tax": "60.0000",
                "total_ex_tax": "100.0000",
                "total_inc_tax": "120.0000",
                "total_tax": "20.0000",
            }
        ],
        "shipping_addresses": [
            {
                "id": 7,
                "order_id": 250,
                "first_name": "Ada",
                "last_name": "Lovelace",
                "street_1": "12 Analytical Row",
                "city": "London",
                "zip": "N1 9GU",
                "country": "United Kingdom",
                "country_iso2": "GB",
                "shipping_method": "Royal Mail Tracked 24",
                "cost_ex_tax": "10.0000",
                "cost_inc_tax": "12.0000",
            }
        ],
        "taxes": [
            {"id": 1, "order_id": 250, "name": "VAT", "rate": "20.0000", "line_amount": "20.0000"},
            {
                "id": 2,
                "order_id": 250,
                "name": "VAT",
                "rate": "20.0000",
                "line_amount": "2.0000",
                "line_item_type": "shipping",
            },
        ],
        "transactions": [
            {
                "id": 901,
                "order_id": "250",
                "event": "purchase",
                "method": "credit_card",
                "amount": 132.0,
                "currency": "GBP",
                "gateway": "stripe",
                "status": "ok",
                "date_created": "2026-03-03T15:31:00+00:00",
                "credit_card": {"card_type": "mastercard", "card_last4": "4444"},
            }
        ],
    }


def hand_made(
    *,
    store_overrides: dict[str, Any] | None = None,
    snapshot: dict[str, Any] | None = None,
    **order: Any,
) -> OrderContext:
    """A hand-made order context (UK store, GBP) with order fields and store fields overridden."""
    info: dict[str, Any] = {
        "id": "abc123",
        "name": "Babbage & Co",
        "address": "1 Engine Lane\nLondon N1 9GU\nUnited Kingdom",
        "country": "United Kingdom",
        "country_code": "GB",
        "phone": "+44 20 7946 0000",
        "order_email": "help@babbage.example",
        "secure_url": "https://babbage.example",
        "currency": "GBP",
        "timezone": {"name": "Europe/London", "raw_offset": 0},
    }
    info.update(store_overrides or {})
    record = order_record(**order)
    record.update(snapshot or {})
    return OrderContext(
        snapshot=OrderSnapshot.model_validate(record), store=StoreInformation.model_validate(info)
    )


ZERO = Decimal(0)
