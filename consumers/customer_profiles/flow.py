"""The customer-profiles group's declaration: it folds order, customer, cart and refund snapshots into one
profile per customer in the compacted ``marketing.profiles.v1`` (no documents of its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcx.contracts import commerce_carts, commerce_customers, commerce_orders, commerce_refunds
from bcx.manifest import Flow
from consumers.marketing.settings import MarketingSettings

if TYPE_CHECKING:
    from consumers.runtime import Services, UseCase


def build(services: Services) -> UseCase[Any]:
    from consumers.customer_profiles.app import build as build_use_case

    return build_use_case(services)


FLOW = Flow(
    name="customer-profiles",
    summary="customer profiles (orders, RFM, categories, open carts, consent) for the marketing flows",
    input_topics=(
        commerce_orders.TOPIC,
        commerce_customers.TOPIC,
        commerce_carts.TOPIC,
        commerce_refunds.TOPIC,
    ),
    scopes=(
        "store/customer/created",
        "store/customer/updated",
        "store/customer/deleted",
        "store/cart/abandoned",
        "store/cart/converted",
        "store/cart/deleted",
    ),
    settings=(MarketingSettings,),
    build=build,
)
