"""Which entities a webhook event names, and so which snapshots it should produce. Pure.

BigCommerce payloads differ by family (see ``docs/bigcommerce.md`` §1.1): store-level events carry
``{type, id}``; shipments add ``orderId``; transactions put ``order_id`` as a string; address events carry the
*address* id in ``id`` and the customer in ``address.customer_id``; line-item events ``cartId``; SKU and
inventory events the product under ``sku``/``inventory``; channel-scoped events ``{order_id}``/``{cart_id}``;
B2B events ``{company_id, …}``. Scopes that name nothing the snapshot topics carry (categories, subscribers,
metafields, store information, …) plan no targets and are acknowledged as ``ignored``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bcx.contracts.webhook_event import SWEEP_SCOPE_PREFIX, WebhookEvent
from producers.enricher.errors import UnenrichableEvent

_CHANNEL = re.compile(r"^store/channel/\d+/")


@dataclass(frozen=True)
class Target:
    """One snapshot to produce: ``entity_type`` (a ``commerce.*`` key type) and its BigCommerce id.

    ``order_id`` is set for refunds, which are read through their order.
    """

    entity_type: str
    entity_id: str
    order_id: int | None = None

    def key(self, store_hash: str) -> str:
        return f"{store_hash}:{self.entity_type}:{self.entity_id}"


@dataclass(frozen=True)
class Plan:
    targets: tuple[Target, ...]
    #: why nothing is fetched (when ``targets`` is empty)
    ignored: str | None = None


def normalise_scope(scope: str) -> str:
    """``store/channel/{id}/order/created`` → ``store/order/created``; a stray trailing ``/`` dropped."""
    return _CHANNEL.sub("store/", scope.strip().rstrip("/"))


def metric_scope(scope: str) -> str:
    """A bounded label: channel ids replaced by ``*`` (``store/channel/*/order/created``)."""
    return _CHANNEL.sub("store/channel/*/", scope.strip().rstrip("/"))


def status_transition(event: WebhookEvent) -> tuple[int | None, int | None]:
    """``(previous_status_id, new_status_id)`` of a ``statusUpdated`` event, else ``(None, None)``."""
    status = event.data().get("status")
    if not isinstance(status, dict):
        return None, None
    return _opt_int(status.get("previous_status_id")), _opt_int(status.get("new_status_id"))


def _opt_int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _id(event: WebhookEvent, *paths: tuple[str, ...]) -> str:
    """The first non-empty value at one of ``paths`` in ``data`` (then ``resource_id``), as text."""
    data = event.data()
    for path in paths:
        value: Any = data
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None and not isinstance(value, bool | dict | list) and str(value).strip():
            return str(value).strip()
    raise UnenrichableEvent(
        f"{event.scope}: no {'/'.join('.'.join(p) for p in paths)} in the event data",
        error_class="event.missing_id",
        stage="plan",
    )


def _int_id(event: WebhookEvent, *paths: tuple[str, ...]) -> str:
    raw = _id(event, *paths)
    if not raw.isdigit():
        raise UnenrichableEvent(
            f"{event.scope}: id {raw[:40]!r} is not a number", error_class="event.bad_id", stage="plan"
        )
    return str(int(raw))


def plan(event: WebhookEvent) -> Plan:
    """The snapshots ``event`` calls for; :class:`UnenrichableEvent` when it lacks the ids it needs."""
    scope = normalise_scope(event.scope)
    if scope.startswith(SWEEP_SCOPE_PREFIX + "order/"):  # bcx sweep: the order it found (e.g. delayed)
        return Plan((Target("order", _int_id(event, ("id",))),))
    parts = scope.split("/")
    family = parts[1] if len(parts) > 1 and parts[0] == "store" else ""
    rest = parts[2:]
    if family == "order":
        if rest[:1] == ["metafield"]:
            return Plan((), ignored="order metafields are not part of the snapshot")
        if rest[:1] == ["transaction"]:
            return Plan((Target("order", _int_id(event, ("order_id",), ("orderId",))),))
        order_id = _int_id(event, ("id",), ("order_id",))
        if rest[:2] == ["refund", "created"]:
            refund_id = _int_id(event, ("refund", "refund_id"), ("refund_id",))
            return Plan((Target("order", order_id), Target("refund", refund_id, order_id=int(order_id))))
        return Plan((Target("order", order_id),))
    if family == "shipment":
        return Plan((Target("order", _int_id(event, ("orderId",), ("order_id",))),))
    if family == "customer":
        if rest[:1] == ["address"]:
            return Plan((Target("customer", _int_id(event, ("address", "customer_id"))),))
        return Plan((Target("customer", _int_id(event, ("customer_id",), ("id",))),))
    if family == "cart":
        if rest[:1] == ["lineItem"]:
            return Plan((Target("cart", _id(event, ("cartId",), ("cart_id",))),))
        return Plan((Target("cart", _id(event, ("cart_id",), ("id",))),))
    if family == "product":
        return Plan((Target("product", _int_id(event, ("inventory", "product_id"), ("id",))),))
    if family == "sku":
        return Plan((Target("product", _int_id(event, ("sku", "product_id"), ("inventory", "product_id"))),))
    if family in ("priceList", "priceLists"):
        if "product_id" in event.data():
            return Plan((Target("product", _int_id(event, ("product_id",))),))
        return Plan((), ignored="price-list event without a product id")
    if family == "company":
        return Plan((Target("company", _int_id(event, ("company_id",), ("id",))),))
    return Plan((), ignored=f"scope family {family or scope!r} has no snapshot topic")
