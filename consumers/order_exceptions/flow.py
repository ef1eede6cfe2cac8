"""The order-exceptions flow's declaration (see :mod:`bcx.manifest`). Importing it is cheap: the consumer is
built lazily by ``build``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcx.contracts.commerce_orders import TOPIC as ORDERS_TOPIC
from bcx.manifest import Flow
from consumers.order_exceptions.settings import OrderExceptionsSettings

if TYPE_CHECKING:
    from consumers.runtime import Services, UseCase


def build(services: Services) -> UseCase[Any]:
    """The consumer on ``services`` (imported here so declaring the flow loads no Kafka or Exstream code)."""
    from consumers.order_exceptions.app import build as build_use_case

    return build_use_case(services)


FLOW = Flow(
    name="order-exceptions",
    summary="notices for cancelled, declined, held, disputed, partially shipped and delayed orders",
    input_topics=(ORDERS_TOPIC,),
    # status transitions (5, 6, 12, 13), split shipments; delays come from `bcx sweep delayed-orders`
    scopes=("store/order/statusUpdated", "store/shipment/created", "store/shipment/updated"),
    settings=(OrderExceptionsSettings,),
    build=build,
)
