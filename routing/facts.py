"""The routing facts: the small, explicit, typed input of the routing engine.

A consumer builds one :class:`RoutingFacts` per event from the enriched snapshot (never from the thin
webhook alone: BigCommerce does not guarantee order, so facts describe the entity's *current* state plus the
event that woke us). The model is deliberately independent of the BigCommerce client models so rules stay
stable when the API models change; the builders live with the consumers.

Conventions every builder follows:

- ``store_hash`` is the BigCommerce store hash (``producer`` = ``stores/{store_hash}``).
- ``entity_type``/``entity_id`` name the entity the document is about (``order``/``250``, ``cart``/uuid,
  ``customer``/``32``, ``company``/``7``); ``entity_version`` is the snapshot's version as the enricher
  publishes it (the entity's ``date_modified``), used by document types whose version is ``entity``.
- Countries are ISO 3166-1 alpha-2 upper case (``DE``); regions are ISO 3166-2 (``CA-QC``, ``US-CA``).
- Locales are BCP 47 tags (``fr-CA``); the engine normalises case.
- ``sent_keys`` is what the caller already knows was sent (from its idempotency ledger); evaluation stays
  pure, so the ledger lookup happens before, never inside, :func:`routing.evaluate`.
- Scheduled work (statements, catalog campaigns) uses scopes ``bcx/schedule/<name>``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

#: A flow's name as rules and idempotency keys spell it (``order_documents``). Which names exist is not
#: routing's knowledge: the flows declare themselves (``bcx.manifest``) and the composition root passes
#: their names to :func:`routing.load_rules`, which refuses a rule file naming any other.
UseCaseName = Annotated[
    str, Field(pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$", description="e.g. order_documents")
]


class Channel(StrEnum):
    """Where a document goes. ``archive`` is a retention copy, never a customer-facing delivery."""

    EMAIL = "email"
    PORTAL = "portal"
    PRINT = "print"
    ARCHIVE = "archive"


class _Facts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EventFacts(_Facts):
    """What happened: the webhook scope (or schedule trigger) and, for status changes, the transition."""

    scope: str = Field(description="e.g. store/order/statusUpdated, bcx/schedule/monthly_statement")
    event_id: str | None = None
    occurred_at: datetime | None = None
    previous_status_id: int | None = Field(default=None, description="statusUpdated: previous_status_id")
    new_status_id: int | None = Field(default=None, description="statusUpdated: new_status_id")


class CustomerFacts(_Facts):
    """Who the document is for, and what they told us about how to reach them."""

    customer_id: int | None = Field(default=None, description="None or 0 for guests")
    is_guest: bool = False
    group_id: int | None = Field(default=None, description="BigCommerce customer_group_id")
    group_name: str | None = None
    segments: frozenset[str] = Field(default=frozenset(), description="segment names, e.g. vip, wholesale")
    is_b2b: bool = Field(default=False, description="belongs to a B2B Edition company")
    company_id: int | None = None
    company_status: int | None = Field(
        default=None, description="B2B: 0 pending 1 approved 2 rejected 3 inactive"
    )
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 of the billing address")
    region: str | None = Field(default=None, description="ISO 3166-2 subdivision, e.g. CA-QC")
    locale: str | None = Field(default=None, description="BCP 47; the order's customer_locale if known")
    preferred_channels: tuple[Channel, ...] = Field(
        default=(), description="stated delivery preference, most preferred first; empty = no preference"
    )
    has_email: bool = True
    has_postal_address: bool = True
    has_portal_account: bool = False
    marketing_consent: bool = False
    opt_outs: frozenset[str] = Field(
        default=frozenset(), description="document types, categories or channels the customer opted out of"
    )


class OrderFacts(_Facts):
    """The order's current state (not the state the event claims; events arrive out of order)."""

    order_id: int
    status_id: int | None = Field(default=None, description="0 Incomplete … 14 Partially Refunded")
    status_name: str | None = None
    payment_status: str | None = Field(default=None, description="BigCommerce payment_status, e.g. captured")
    payment_method: str | None = None
    is_test: bool = False
    currency: str | None = Field(default=None, description="transactional currency (default_currency_code)")
    channel_id: int = 1
    order_source: str | None = None
    total_inc_tax: Decimal | None = None
    items_total: int | None = None
    is_digital: bool = False


class PaymentFacts(_Facts):
    """The payment transaction the event is about (or the order's latest successful one)."""

    transaction_id: str
    event: str = Field(description="purchase|authorization|capture|refund|void|pending|settled")
    status: str = Field(description="ok|error")
    method: str | None = None
    amount: Decimal | None = None
    is_test: bool = False


class RefundFacts(_Facts):
    """A refund (returns flow); ``is_partial`` when it does not cover the whole order."""

    refund_id: int
    total_amount: Decimal | None = None
    is_partial: bool = False
    reason: str | None = None


class CartFacts(_Facts):
    """A cart (retention flow)."""

    cart_id: str
    amount: Decimal | None = None
    currency: str | None = None
    item_count: int = 0
    is_converted: bool = False


class ProductFacts(_Facts):
    """Catalogue facts for the products a document is about (an order: its lines' products)."""

    category_ids: frozenset[int] = Field(
        default=frozenset(), description="catalogue category ids of the products (union over the lines)"
    )
    product_ids: frozenset[int] = Field(default=frozenset(), description="catalogue product ids")
    types: frozenset[str] = Field(
        default=frozenset(), description="product types of the lines: physical, digital"
    )


class ScheduleFacts(_Facts):
    """A scheduled trigger (``bcx/schedule/<name>``): the run's name and the period it covers."""

    name: str
    period: str = Field(description="e.g. 2026-03 for a monthly statement, a campaign id for a catalog")


class RoutingFacts(_Facts):
    """Everything the engine may look at for one event. Optional sections are absent when irrelevant."""

    use_case: UseCaseName
    store_hash: str = Field(min_length=1)
    entity_type: str = Field(min_length=1, description="order, cart, customer, company, …")
    entity_id: str = Field(min_length=1)
    entity_version: str = Field(default="1", min_length=1, description="snapshot version (date_modified)")
    event: EventFacts
    customer: CustomerFacts = CustomerFacts()
    order: OrderFacts | None = None
    payment: PaymentFacts | None = None
    refund: RefundFacts | None = None
    cart: CartFacts | None = None
    products: ProductFacts | None = None
    schedule: ScheduleFacts | None = None
    sent_keys: frozenset[str] = Field(
        default=frozenset(), description="idempotency keys the caller's ledger says were already sent"
    )
