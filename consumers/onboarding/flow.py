"""The onboarding flow's declaration (see :mod:`bcx.manifest`). Importing it is cheap: the consumer is built
lazily by ``build``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcx.contracts import commerce_accounts, commerce_orders
from bcx.manifest import Flow
from consumers.onboarding.settings import OnboardingSettings

if TYPE_CHECKING:
    from consumers.runtime import Services, UseCase


def build(services: Services) -> UseCase[Any]:
    """The consumer on ``services`` (imported here so declaring the flow loads no Kafka or Exstream code)."""
    from consumers.onboarding.app import build as build_use_case

    return build_use_case(services)


FLOW = Flow(
    name="onboarding",
    summary="setup and care guides, warranty registration notices and B2B welcome packs",
    input_topics=(commerce_orders.TOPIC, commerce_accounts.TOPIC),
    # guides and warranty once an order shipped (or completed); welcome packs when a company is created or
    # approved (B2B Edition stores: the company scopes need the B2B API scope)
    scopes=(
        "store/order/statusUpdated",
        "store/shipment/created",
        "store/company/created",
        "store/company/statusUpdated",
    ),
    settings=(OnboardingSettings,),
    build=build,
)
