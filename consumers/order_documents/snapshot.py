"""``commerce.orders.v1`` records → the BigCommerce models the document mapping works on, and the trigger.

The contract record carries the same field names as :mod:`bcx.bigcommerce.models.orders` (the enricher
maps one onto the other), so the conversion is a plain re-validation; fields the contract does not carry
(tax ``class``, card details, line ``applied_discounts``) are simply absent and the mapping does without.
Pure: no I/O.
"""

from __future__ import annotations

import json
from typing import Any

from bcx.bigcommerce.models import OrderSnapshot
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from consumers.order_documents.errors import DriverDataError
from consumers.order_documents.facts import Trigger


def order_snapshot(record: OrderSnapshotRecord) -> OrderSnapshot:
    """The record's order as the BigCommerce client models (raises for a deleted order)."""
    if record.order is None:
        raise DriverDataError(f"order {record.entity_id} is deleted; it has no documents")
    return OrderSnapshot.model_validate(record.model_dump(include=set(OrderSnapshot.model_fields)))


def _data(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def trigger(record: OrderSnapshotRecord) -> Trigger:
    """The webhook (or reconciliation event) that caused the snapshot, with the transaction it names."""
    event = record.trigger
    data = _data(event.data_json)
    transaction_id = None
    if "/transaction/" in event.scope and data.get("id") is not None:
        transaction_id = str(data["id"])
    return Trigger(
        scope=event.scope,
        event_id=event.event_id,
        occurred_at=event.created_at,
        previous_status_id=event.previous_status_id,
        new_status_id=event.new_status_id,
        transaction_id=transaction_id,
    )
