"""The order-documents flow's declaration (see :mod:`bcx.manifest`): what the registry, hooks, topics,
deployments and the demo derive from. Importing it is cheap: the consumer is built lazily by ``build``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcx.contracts.commerce_orders import TOPIC as ORDERS_TOPIC
from bcx.manifest import Flow
from consumers.order_documents.settings import OrderDocumentsSettings

if TYPE_CHECKING:
    from consumers.runtime import Services, UseCase


def build(services: Services) -> UseCase[Any]:
    """The consumer on ``services`` (imported here so declaring the flow loads no Kafka or Exstream code)."""
    from consumers.order_documents.app import build as build_use_case

    return build_use_case(services)


_ORDER_LIFECYCLE = ("store/order/created", "store/order/statusUpdated", "store/order/updated")
_PAYMENTS = ("store/order/transaction/created", "store/order/transaction/updated")

FLOW = Flow(
    name="order-documents",
    summary="order confirmations, invoices and payment receipts from enriched order snapshots",
    input_topics=(ORDERS_TOPIC,),
    # confirmation, invoice, receipt: a receipt per received payment, shipments shown on the invoice
    scopes=(*_ORDER_LIFECYCLE, *_PAYMENTS, "store/shipment/created"),
    settings=(OrderDocumentsSettings,),
    build=build,
)
