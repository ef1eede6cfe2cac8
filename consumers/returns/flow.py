"""The returns flow's declaration (see :mod:`bcx.manifest`). Importing it is cheap: the consumer is built
lazily by ``build``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcx.contracts.commerce_refunds import TOPIC as REFUNDS_TOPIC
from bcx.contracts.commerce_returns import TOPIC as RETURNS_TOPIC
from bcx.manifest import Flow
from consumers.returns.settings import ReturnsSettings

if TYPE_CHECKING:
    from consumers.runtime import Services, UseCase


def build(services: Services) -> UseCase[Any]:
    """The consumer on ``services`` (imported here so declaring the flow loads no Kafka or Exstream code)."""
    from consumers.returns.app import build as build_use_case

    return build_use_case(services)


FLOW = Flow(
    name="returns",
    summary="RMA letters, refusals, return labels, exchange instructions and refund confirmations",
    input_topics=(RETURNS_TOPIC, REFUNDS_TOPIC),
    # refunds come enriched from BigCommerce; returns come from a returns service (no webhook: BigCommerce
    # has no Returns API), straight to Kafka or through the bridge's returns intake
    scopes=("store/order/refund/created",),
    settings=(ReturnsSettings,),
    build=build,
)
