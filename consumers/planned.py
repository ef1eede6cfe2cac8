"""Flows declared before their consumer exists (``build=None``): their hook scopes, consumer groups,
input topics and routing rules are part of the system already, so they are declared once here and checked
like built flows; they are neither deployed nor runnable. A flow moves from here to its own package's
``flow.py`` when its consumer lands (docs/adding-a-flow.md)."""

from __future__ import annotations

from bcx.contracts import (
    commerce_accounts,
    commerce_carts,
    commerce_customers,
    commerce_orders,
    commerce_products,
)
from bcx.manifest import Flow

_PAYMENTS = ("store/order/transaction/created", "store/order/transaction/updated")
SCHEDULES_TOPIC = "commerce.schedules.v1"

PLANNED: tuple[Flow, ...] = (
    Flow(
        name="order-exceptions",
        summary="declined, manual-verification, disputed and failed-payment notices",
        input_topics=(commerce_orders.TOPIC,),
        # declined (6), manual verification (12), disputed (13) and failed payments
        scopes=("store/order/statusUpdated", *_PAYMENTS),
    ),
    Flow(
        name="retention",
        summary="abandoned-cart reminders",
        input_topics=(commerce_carts.TOPIC,),
        # converted cancels a pending reminder
        scopes=("store/cart/abandoned", "store/cart/converted"),
    ),
    Flow(
        name="onboarding",
        summary="welcome guides for customers and welcome packs for approved B2B companies",
        input_topics=(commerce_customers.TOPIC, commerce_accounts.TOPIC),
        # the welcome-b2b-company rule reads store/company/created|statusUpdated (B2B Edition stores)
        scopes=(
            "store/customer/created",
            "store/customer/updated",
            "store/company/created",
            "store/company/statusUpdated",
        ),
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
