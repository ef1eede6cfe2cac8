"""Flows declared before their consumer exists (``build=None``): their hook scopes, consumer groups,
input topics and routing rules are part of the system already, so they are declared once here and checked
like built flows; they are neither deployed nor runnable. A flow moves from here to its own package's
``flow.py`` when its consumer lands (docs/adding-a-flow.md)."""

from __future__ import annotations

from bcx.contracts import (
    commerce_accounts,
    commerce_customers,
    commerce_orders,
    commerce_refunds,
)
from bcx.manifest import Flow

_PAYMENTS = ("store/order/transaction/created", "store/order/transaction/updated")
_COMPANY = ("store/company/created", "store/company/updated", "store/company/statusUpdated")
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
        name="returns",
        summary="refund letters",
        input_topics=(commerce_refunds.TOPIC,),
        # the refund, and statusUpdated to Refunded (4) / Partially Refunded (14) / Cancelled (5)
        scopes=("store/order/refund/created", "store/order/statusUpdated"),
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
        name="account-statements",
        summary="monthly B2B account statements",
        input_topics=(commerce_accounts.TOPIC, SCHEDULES_TOPIC),
        # B2B Edition: company changes (credit, terms, customer group) feed statements
        scopes=_COMPANY,
    ),
)
