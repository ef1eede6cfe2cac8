"""The catalogs flow's declaration (see :mod:`bcx.manifest`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcx.contracts.marketing_contacts import REQUESTS_TOPIC
from bcx.manifest import Flow
from consumers.marketing.settings import MarketingSettings

if TYPE_CHECKING:
    from consumers.runtime import Services, UseCase


def build(services: Services) -> UseCase[Any]:
    from consumers.catalogs.app import build as build_use_case

    return build_use_case(services)


FLOW = Flow(
    name="catalogs",
    summary="personalised catalogs and brochures per campaign recipient (bcx campaigns run)",
    input_topics=(REQUESTS_TOPIC,),
    # product snapshots (read as a table for prices and promotions) come from these
    scopes=(
        "store/product/created",
        "store/product/updated",
        "store/product/deleted",
        "store/sku/updated",
    ),
    settings=(MarketingSettings,),
    build=build,
)
