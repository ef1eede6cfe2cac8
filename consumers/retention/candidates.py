"""Retention records → marketing candidates (pure): what each input means as documents to attempt."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from bcx.contracts.commerce_carts import CartSnapshotRecord
from bcx.contracts.commerce_products import ProductSnapshotRecord
from bcx.contracts.marketing_contacts import CampaignRequest
from bcx.contracts.marketing_profiles import MarketingProfile
from consumers.marketing.facts import contact_block
from consumers.marketing.pressure import Kind
from consumers.marketing.profile import with_cart_customer
from consumers.marketing.sender import Candidate
from consumers.marketing.triggers import SECOND_REMINDER
from routing import CartFacts, EventFacts, ProductFacts, RoutingFacts, ScheduleFacts

USE_CASE = "retention"


def cart_letter(snap: CartSnapshotRecord) -> Candidate | None:
    """BigCommerce's abandoned event → the first abandoned-cart letter (email, its own consent flag)."""
    cart = snap.cart
    if not snap.abandoned or snap.deleted or cart is None:
        return None
    items = [*cart.line_items.physical_items, *cart.line_items.digital_items]
    facts = RoutingFacts(
        use_case=USE_CASE,
        store_hash=snap.store_hash,
        entity_type="cart",
        entity_id=cart.id,
        event=EventFacts(
            scope=snap.trigger.scope, event_id=snap.trigger.event_id, occurred_at=snap.trigger.created_at
        ),
        cart=CartFacts(
            cart_id=cart.id,
            amount=cart.cart_amount,
            currency=cart.currency.code,
            item_count=sum(i.quantity for i in items),
            is_converted=False,
        ),
    )
    lines = [
        {"name": i.name, "sku": i.sku, "quantity": i.quantity, "price": str(i.sale_price), "url": i.url}
        for i in items
    ]

    def driver(profile: MarketingProfile) -> Mapping[str, Any]:
        return {
            "customer": contact_block(profile),
            "email": profile.email,
            "cart": {"id": cart.id, "amount": str(cart.cart_amount), "currency": cart.currency.code},
            "lines": lines,
        }

    return Candidate(
        store_hash=snap.store_hash,
        customer_id=cart.customer_id,
        kind=Kind.ABANDONED_CART,
        channel="email",
        facts=facts,
        driver_data=driver,
        source_event_id=snap.trigger.event_id,
        cart_id=cart.id,
        # the profiles group may not have folded the customer (or this cart) in yet
        provisional=lambda profile: with_cart_customer(profile, snap),
    )


def trigger_letter(request: CampaignRequest) -> Candidate:
    """A sweep's trigger (second reminder, replenishment, win-back) → its letter, versioned by its state."""
    is_cart = request.document_type == SECOND_REMINDER
    facts = RoutingFacts(
        use_case=USE_CASE,
        store_hash=request.store_hash,
        entity_type="cart" if is_cart else "customer",
        entity_id=request.run_id if is_cart else str(request.customer_id),
        event=EventFacts(
            scope=f"bcx/schedule/{request.document_type}",
            event_id=request.request_id,
            occurred_at=request.requested_at,
        ),
        schedule=ScheduleFacts(name=request.document_type, period=request.run_id),
    )

    def driver(profile: MarketingProfile) -> Mapping[str, Any]:
        carts = [c.model_dump(mode="json") for c in profile.open_carts if c.cart_id == request.run_id]
        return {
            "customer": contact_block(profile),
            "email": profile.email,
            "trigger": request.document_type,
            "state": request.run_id,
            "last_order_at": profile.last_order_at.isoformat() if profile.last_order_at else None,
            "products": profile.product_ids[:12],
            "cart": carts[0] if carts else None,
        }

    return Candidate(
        store_hash=request.store_hash,
        customer_id=request.customer_id,
        kind=Kind.ABANDONED_CART if is_cart else Kind.MARKETING,
        channel=request.channel,
        facts=facts,
        driver_data=driver,
        source_event_id=request.request_id,
        cap_group=request.cap_group,
        cart_id=request.run_id if is_cart else None,
    )


def price_drop(snap: ProductSnapshotRecord, min_percent: Decimal) -> tuple[str, Decimal, Decimal] | None:
    """``(state, was, now)`` when the product sells ``min_percent`` or more below its price."""
    product = snap.product
    if snap.deleted or product is None or product.price <= 0:
        return None
    now = product.sale_price if 0 < product.sale_price < product.price else product.price
    if (product.price - now) * 100 < min_percent * product.price:
        return None
    return f"{product.id}@{now}", product.price, now


def price_drop_letters(
    snap: ProductSnapshotRecord, profiles: Iterable[MarketingProfile], min_percent: Decimal
) -> list[Candidate]:
    """A price drop → a brochure for each customer of the store who bought the product."""
    dropped = price_drop(snap, min_percent)
    product = snap.product
    if dropped is None or product is None:
        return []
    state, was, now = dropped
    item = {
        "id": product.id,
        "name": product.name,
        "was": str(was),
        "now": str(now),
        "url": product.custom_url,
    }
    out = []
    for profile in profiles:
        if profile.store_hash != snap.store_hash or product.id not in profile.product_ids:
            continue
        facts = RoutingFacts(
            use_case=USE_CASE,
            store_hash=snap.store_hash,
            entity_type="customer",
            entity_id=str(profile.customer_id),
            event=EventFacts(
                scope=snap.trigger.scope, event_id=snap.trigger.event_id, occurred_at=snap.trigger.created_at
            ),
            products=ProductFacts(
                product_ids=frozenset({product.id}), category_ids=frozenset(product.categories)
            ),
            schedule=ScheduleFacts(name="price_drop", period=state),
        )

        def driver(p: MarketingProfile) -> Mapping[str, Any]:
            return {"customer": contact_block(p), "email": p.email, "product": item}

        out.append(
            Candidate(
                store_hash=snap.store_hash,
                customer_id=profile.customer_id,
                kind=Kind.MARKETING,
                channel="email",
                facts=facts,
                driver_data=driver,
                source_event_id=snap.trigger.event_id,
            )
        )
    return out
