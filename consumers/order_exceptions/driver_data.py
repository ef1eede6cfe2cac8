"""Order snapshot + detected exception → the notice's Exstream driver data (``OrderExceptionDriver``).

One JSON object per notice (camelCase; fields in docs/order-exceptions.md): the store (with its support
contact), the customer, the order, the exception (kind, state, when it arose, the expected resolution
date), what shipped (with tracking) and what is still to come, and for a delay the promise it broke and
the new expected date. The wording lives in the template; the driver data carries facts. Every date is
computed from the snapshot and the policy (:mod:`.policy`), never the clock: the same input gives the
same notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from consumers.documents import dates
from consumers.documents.orders.context import OrderContext, presenter
from consumers.documents.orders.facts import Trigger
from consumers.documents.presenter import Presenter
from consumers.documents.sections import address_block, full_name, store_section
from consumers.order_exceptions.detect import delay_number, unshipped
from consumers.order_exceptions.policy import ExceptionPolicy
from routing import ExceptionFacts


@dataclass(frozen=True)
class NoticeRequest:
    """What routing decided for one notice: type, locale, channels and idempotency key."""

    document_type: str
    exception: ExceptionFacts
    locale: str = "en"
    channels: Sequence[str] = ()
    reference: str | None = None


def _day(show: Presenter, day: date) -> dict[str, str]:
    noon = datetime.combine(day, time(12), tzinfo=show.zone)
    return {"iso": day.isoformat(), "date": dates.format_date(noon, show.zone, show.locale)}


def arose_at(context: OrderContext, trigger: Trigger, kind: str) -> datetime | None:
    """When the exception arose: the last shipment for a split, else the event, else the order's change."""
    snapshot = context.snapshot
    if kind == "partial" and snapshot.shipments:
        stamps = [s.date_created for s in snapshot.shipments if s.date_created]
        if stamps:
            return max(stamps)
    return trigger.occurred_at or snapshot.order.date_modified or snapshot.order.date_created


def delay_dates(context: OrderContext, policy: ExceptionPolicy, number: int) -> tuple[date, date, date]:
    """(placed, promised ship date, new expected ship date) for the ``number``-th delay."""
    order = context.snapshot.order
    zone = dates.store_zone(context.store.timezone)
    calendar = policy.business_calendar(context.store.id)
    placed_at = order.date_created or order.date_modified
    placed = placed_at.astimezone(zone).date() if placed_at else date(1970, 1, 1)
    method = (
        context.snapshot.shipping_addresses[0].shipping_method if context.snapshot.shipping_addresses else ""
    )
    promised = calendar.add(placed, policy.promise_days(context.store.id, method))
    return placed, promised, calendar.add(promised, number * policy.delays.extension_days)


def _shipped(context: OrderContext, show: Presenter) -> list[dict[str, Any]]:
    names = {line.id: line for line in context.snapshot.products}
    result = []
    for shipment in sorted(context.snapshot.shipments, key=lambda s: s.id):
        items = []
        for item in shipment.items:
            line = names.get(item.order_product_id)
            name = (line.name_customer or line.name) if line else f"item {item.order_product_id}"
            items.append({"name": name, "sku": line.sku if line else "", "quantity": item.quantity})
        result.append(
            {
                "id": shipment.id,
                "date": show.date(shipment.date_created),
                "carrier": shipment.shipping_provider_display_name
                or shipment.tracking_carrier
                or shipment.shipping_provider,
                "trackingNumber": shipment.tracking_number,
                "trackingLink": shipment.tracking_link or shipment.generated_tracking_link,
                "lines": items,
            }
        )
    return result


def _pending(context: OrderContext) -> list[dict[str, Any]]:
    lines = {line.id: line for line in context.snapshot.products}
    return [
        {"name": lines[i].name_customer or lines[i].name, "sku": lines[i].sku, "quantity": quantity}
        for i, quantity in unshipped(context)
    ]


def _customer(context: OrderContext) -> dict[str, Any]:
    billing = context.snapshot.order.billing_address
    known = context.customer.customer if context.customer else None
    first = (known.first_name if known else "") or billing.first_name
    last = (known.last_name if known else "") or billing.last_name
    return {
        "name": full_name(first, last),
        "firstName": first,
        "email": (known.email if known else "") or billing.email,
    }


def build_notice(
    context: OrderContext, trigger: Trigger, policy: ExceptionPolicy, request: NoticeRequest
) -> dict[str, Any]:
    """The driver data of one exception notice."""
    order = context.snapshot.order
    show = presenter(context, request.locale)
    exception = request.exception
    calendar = policy.business_calendar(context.store.id)
    country = order.billing_address.country_iso2 or None
    moment = arose_at(context, trigger, exception.kind)
    arose = moment.astimezone(show.zone).date() if moment else date(1970, 1, 1)
    days = policy.resolution_days(exception.kind, payment_method=order.payment_method, country=country)
    expected = calendar.add(arose, days)
    delay: dict[str, Any] | None = None
    if exception.kind == "delayed":
        number = delay_number(trigger) or int(exception.state)
        placed, promised, expected = delay_dates(context, policy, number)
        delay = {"number": number, "placedOn": _day(show, placed), "promisedOn": _day(show, promised)}
    store = store_section(context.store)
    customer = _customer(context)
    notice_number = f"EXC-{order.id}-{exception.kind.upper()}-{exception.state}"
    return {
        "documentType": request.document_type,
        "document": {
            "title": "Order notice",
            "number": notice_number,
            "date": _day(show, arose),
            "locale": request.locale,
            "reference": request.reference,
        },
        "email": customer["email"],
        "deliveryChannels": [str(c) for c in request.channels],
        "store": store,
        "support": {"email": store["email"], "phone": store["phone"], "url": store["url"]},
        "customer": customer,
        "billingAddress": address_block(order.billing_address, context.store.country_code),
        "order": {
            "id": order.id,
            "number": str(order.id),
            "statusId": order.status_id,
            "status": order.status,
            "placedAt": show.date(order.date_created),
            "paymentMethod": order.payment_method,
            "total": show.money(order.total_inc_tax),
            "itemCount": order.items_total,
        },
        "exception": {
            "kind": exception.kind,
            "state": exception.state,
            "aroseOn": _day(show, arose),
            "expectedResolution": _day(show, expected),
            "resolutionBusinessDays": days if delay is None else None,
        },
        "shipped": _shipped(context, show),
        "pending": _pending(context),
        "delay": delay,
    }
