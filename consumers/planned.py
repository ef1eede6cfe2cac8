"""Flows declared before their consumer exists (``build=None``): their hook scopes, consumer groups,
input topics and routing rules are part of the system already, so they are declared once here and checked
like built flows; they are neither deployed nor runnable. A flow moves from here to its own package's
``flow.py`` when its consumer lands (docs/adding-a-flow.md)."""

from __future__ import annotations

from bcx.contracts import commerce_carts, commerce_products
from bcx.manifest import Flow

SCHEDULES_TOPIC = "commerce.schedules.v1"

PLANNED: tuple[Flow, ...] = (
    Flow(
        name="retention",
        summary="abandoned-cart reminders",
        input_topics=(commerce_carts.TOPIC,),
        # converted cancels a pending reminder
        scopes=("store/cart/abandoned", "store/cart/converted"),
    ),
    Flow(
        name="catalogs",
        summary="product catalogs for scheduled campaigns",
        input_topics=(commerce_products.TOPIC, SCHEDULES_TOPIC),
        scopes=(
            "store/product/created",
            "store/product/updated",
            "store/product/deleted",
            "store/sku/updated",
        ),
    ),
)
