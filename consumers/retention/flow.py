"""The retention flow's declaration (see :mod:`bcx.manifest`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcx.contracts import commerce_carts, commerce_products
from bcx.manifest import Flow
from consumers.marketing.settings import MarketingSettings

if TYPE_CHECKING:
    from consumers.runtime import Services, UseCase

#: bcx sweep publishes time-based retention triggers here (CampaignRequest records)
TRIGGERS_TOPIC = "marketing.retention-triggers.v1"


def build(services: Services) -> UseCase[Any]:
    from consumers.retention.app import build as build_use_case

    return build_use_case(services)


FLOW = Flow(
    name="retention",
    summary="abandoned-cart letters and reminders, replenishment, win-back and price-drop brochures",
    input_topics=(commerce_carts.TOPIC, commerce_products.TOPIC, TRIGGERS_TOPIC),
    # converted cancels a pending reminder; product updates carry price drops
    scopes=("store/cart/abandoned", "store/cart/converted", "store/product/updated"),
    settings=(MarketingSettings,),
    build=build,
)
