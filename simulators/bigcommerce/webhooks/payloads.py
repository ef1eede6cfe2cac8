"""Callback bodies in the shape of ``reference/bigcommerce/webhook-callbacks/*.json``. Pure."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def callback(
    scope: str, *, store_id: int, store_hash: str, data: dict[str, Any], created_at: int
) -> dict[str, Any]:
    """``{scope, store_id, data, hash, created_at, producer}``.

    ``hash`` is a SHA-1 over the JSON of scope, data and created_at: identical for a re-delivery of the same
    event (the body is resent verbatim), different for two events on the same resource.
    """
    digest = hashlib.sha1(  # noqa: S324  # BigCommerce's documented event hash, not a security control
        json.dumps({"scope": scope, "data": data, "created_at": created_at}, sort_keys=True).encode()
    ).hexdigest()
    return {
        "scope": scope,
        "store_id": str(store_id),
        "data": data,
        "hash": digest,
        "created_at": created_at,
        "producer": f"stores/{store_hash}",
    }


def order_created(order_id: int) -> tuple[str, dict[str, Any]]:
    return "store/order/created", {"type": "order", "id": order_id}


def order_updated(order_id: int) -> tuple[str, dict[str, Any]]:
    return "store/order/updated", {"type": "order", "id": order_id}


def order_status_updated(order_id: int, previous: int, new: int) -> tuple[str, dict[str, Any]]:
    return "store/order/statusUpdated", {
        "type": "order",
        "id": order_id,
        "status": {"previous_status_id": previous, "new_status_id": new},
    }


def order_refund_created(order_id: int, refund_id: int) -> tuple[str, dict[str, Any]]:
    return "store/order/refund/created", {"type": "order", "id": order_id, "refund": {"refund_id": refund_id}}


def shipment_created(shipment_id: int, order_id: int) -> tuple[str, dict[str, Any]]:
    return "store/shipment/created", {"type": "shipment", "id": shipment_id, "orderId": order_id}


def cart_created(cart_id: str) -> tuple[str, dict[str, Any]]:
    return "store/cart/created", {"type": "cart", "id": cart_id}


def cart_abandoned(cart_id: str, token: str) -> tuple[str, dict[str, Any]]:
    return "store/cart/abandoned", {"type": "cart", "id": cart_id, "token": token}


def customer_created(customer_id: int) -> tuple[str, dict[str, Any]]:
    return "store/customer/created", {"type": "customer", "id": customer_id}


def product_updated(product_id: int) -> tuple[str, dict[str, Any]]:
    return "store/product/updated", {"type": "product", "id": product_id}


# Channel-scoped events carry the resource id only, under its own name (docs: webhooks/events/channels.mdx).
def page_created(channel_id: int, page_id: int) -> tuple[str, dict[str, Any]]:
    return f"store/channel/{channel_id}/page/created", {"page_id": page_id}


def page_updated(channel_id: int, page_id: int) -> tuple[str, dict[str, Any]]:
    return f"store/channel/{channel_id}/page/updated", {"page_id": page_id}


def checkout_settings_updated(channel_id: int) -> tuple[str, dict[str, Any]]:
    # The docs give no example body for settings/checkout/updated; the scope itself names the channel.
    return f"store/channel/{channel_id}/settings/checkout/updated", {}
