"""Which exception state an order snapshot is in, and whether this event should notify it. Pure.

- **status exceptions** — cancelled (5), declined (6), manual verification / fraud review (12), disputed
  (13): the order's *current* status. A ``statusUpdated`` event must be the transition *into* it (new =
  current, previous ≠ current): an old transition replayed after the order moved on notifies nothing, and
  a status seen again (a duplicate, a later ``updated``/shipment event) is the same state, whose notice
  key the ledger already holds (routing's ``sent_keys``). An event without a transition (a lost
  ``statusUpdated`` followed by a shipment or ``updated`` event) still notifies a state nobody notified.
- **partial fulfilment** — status 3, or shipments that leave physical lines unshipped. The state is the
  set of shipments so far: a later shipment that completes the order ends the exception (no notice), a
  second split is a new state (a new notice); duplicates and reordered shipment events read the same
  current snapshot, so the same state.
- **delay** — only ``bcx sweep delayed-orders`` knows an order is late (no BigCommerce event says so): its
  synthetic event carries the delay's number, and the order must still be waiting to ship.
"""

from __future__ import annotations

import json

from bcx.contracts.webhook_event import DELAYED_ORDER_SCOPE
from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.facts import Trigger
from routing import ExceptionFacts

STATUS_KINDS: dict[int, str] = {5: "cancelled", 6: "declined", 12: "verification", 13: "disputed"}
PARTIALLY_SHIPPED = 3


def status_exception(context: OrderContext, trigger: Trigger) -> ExceptionFacts | None:
    current = context.snapshot.order.status_id
    kind = STATUS_KINDS.get(current)
    if kind is None:
        return None
    if trigger.new_status_id is not None and (
        trigger.new_status_id != current or trigger.previous_status_id == current
    ):
        return None  # not the transition into the current state
    return ExceptionFacts(kind=kind, state="1")


def unshipped(context: OrderContext) -> list[tuple[int, int]]:
    """``(line id, quantity still to ship)`` of physical lines (digital lines never ship)."""
    return [
        (line.id, line.quantity - line.quantity_shipped)
        for line in context.snapshot.products
        if line.type != "digital" and line.quantity_shipped < line.quantity
    ]


def partial_state(context: OrderContext) -> ExceptionFacts | None:
    order = context.snapshot.order
    if order.status_id in STATUS_KINDS:
        return None
    shipments = sorted(s.id for s in context.snapshot.shipments)
    if shipments and unshipped(context):
        return ExceptionFacts(kind="partial", state="+".join(str(s) for s in shipments))
    if order.status_id == PARTIALLY_SHIPPED and not shipments:
        return ExceptionFacts(kind="partial", state="status-3")
    return None


def delay_number(trigger: Trigger) -> int | None:
    """The delay's number a sweep event carries (1 for the first delay of the order, 2 for the next…)."""
    if trigger.scope != DELAYED_ORDER_SCOPE:
        return None
    try:
        value = json.loads(trigger.data_json or "{}").get("delay")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def delay_state(context: OrderContext, trigger: Trigger, waiting: frozenset[int]) -> ExceptionFacts | None:
    number = delay_number(trigger)
    order = context.snapshot.order
    if number is None or order.status_id not in waiting or context.snapshot.shipments:
        return None
    return ExceptionFacts(kind="delayed", state=str(number))


def detect(context: OrderContext, trigger: Trigger, *, waiting: frozenset[int]) -> list[ExceptionFacts]:
    """The exception states this event may notify (empty for an order without one)."""
    found = [
        status_exception(context, trigger),
        partial_state(context),
        delay_state(context, trigger, waiting),
    ]
    return [f for f in found if f is not None]
