"""The profile fold: snapshot → profile, pure. Each order and cart is kept by id and the aggregates are
recomputed from them, so applying a snapshot twice changes nothing and orders from different partitions
may arrive in any interleaving; contact and consent come from the customer snapshot (newest
``date_modified`` wins; until it is folded, a cart lends its customer's contact and abandoned-cart consent,
which the snapshot then replaces). That is what makes a rebuild from the topics give the same profiles.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bcx.contracts.commerce_carts import CartSnapshotRecord
from bcx.contracts.commerce_customers import CustomerSnapshotRecord
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.commerce_refunds import RefundSnapshotRecord
from bcx.contracts.marketing_profiles import (
    MarketingProfile,
    ProfileAddress,
    ProfileCart,
    ProfileConsent,
    ProfileOrder,
)
from consumers.marketing.policy import MarketingPolicy, Scores

#: statuses that are not purchases: incomplete, cancelled, declined, refunded
NOT_PURCHASES = frozenset({0, 4, 5, 6})
_YES = frozenset({"1", "true", "yes", "y", "on", "accepted", "opted-in", "subscribed"})


def empty(store_hash: str, customer_id: int) -> MarketingProfile:
    return MarketingProfile(store_hash=store_hash, customer_id=customer_id)


def _yes(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _YES


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def apply_customer(
    profile: MarketingProfile | None, snap: CustomerSnapshotRecord, policy: MarketingPolicy
) -> MarketingProfile | None:
    """A customer snapshot: contact, tier, consent. A deleted customer has no profile (a tombstone)."""
    customer = snap.customer
    if snap.deleted or customer is None:
        return None
    current = profile or empty(snap.store_hash, customer.id)
    if current.customer_version and snap.date_modified and snap.date_modified < current.customer_version:
        return current  # an older state replayed late
    values = dict(snap.attributes)
    values.update({f.name: f.value or "" for f in customer.form_fields if f.name not in values})
    names = policy.consent
    marketing = _yes(values.get(names.marketing_attribute))
    withdrawn = current.consent.withdrawn_at
    if current.consent.marketing and not marketing:
        withdrawn = snap.trigger.created_at
    address = next((a for a in customer.addresses if a.address1 and a.postal_code and a.country_code), None)
    group_name = snap.group.name if snap.group else ""
    return _derive(
        current.model_copy(
            update={
                "email": customer.email,
                "first_name": customer.first_name,
                "last_name": customer.last_name,
                "customer_group_id": customer.customer_group_id,
                "group_name": group_name,
                "loyalty_tier": values.get(policy.loyalty_tier_attribute) or group_name,
                "postal_address": (
                    ProfileAddress(
                        name=f"{address.first_name} {address.last_name}".strip(),
                        company=address.company,
                        address1=address.address1,
                        address2=address.address2,
                        city=address.city,
                        state_or_province=address.state_or_province,
                        postal_code=address.postal_code,
                        country_code=address.country_code,
                    )
                    if address
                    else None
                ),
                "consent": ProfileConsent(
                    marketing=marketing,
                    abandoned_cart_emails=customer.accepts_product_review_abandoned_cart_emails,
                    do_not_mail=_yes(values.get(names.do_not_mail_attribute)),
                    withdrawn_at=withdrawn,
                ),
                "last_complaint_at": _date(values.get(names.complaint_attribute)),
                "customer_version": snap.date_modified,
            }
        ),
        policy.scores,
    )


def customer_of_order(snap: OrderSnapshotRecord) -> int:
    return snap.order.customer_id if snap.order is not None else 0


def apply_order(
    profile: MarketingProfile, snap: OrderSnapshotRecord, policy: MarketingPolicy
) -> MarketingProfile:
    """An order snapshot replaces that order's contribution (a deleted order drops it)."""
    others = [o for o in profile.orders if o.order_id != int(snap.entity_id)]
    order = snap.order
    if not snap.deleted and order is not None:
        placed = order.date_created or snap.trigger.created_at
        others.append(
            ProfileOrder(
                order_id=order.id,
                placed_at=placed,
                total=order.total_inc_tax,
                currency=order.default_currency_code or order.currency_code,
                counted=order.status_id not in NOT_PURCHASES,
                product_ids=sorted({p.product_id for p in snap.products if p.product_id}),
                category_ids=sorted({c for p in snap.products for c in p.categories}),
            )
        )
        if order.customer_locale and not profile.locale:
            profile = profile.model_copy(update={"locale": order.customer_locale})
    others.sort(key=lambda o: o.order_id)
    return _derive(profile.model_copy(update={"orders": others}), policy.scores)


def customer_known(profile: MarketingProfile | None) -> bool:
    """The customer's own record has been folded into ``profile`` (orders and carts can make a profile
    before it: then it holds no contact and no consent)."""
    return profile is not None and (profile.customer_version is not None or bool(profile.email))


def with_cart_customer(profile: MarketingProfile | None, snap: CartSnapshotRecord) -> MarketingProfile | None:
    """``profile`` with the contact and abandoned-cart consent of the customer the cart carries (the
    enricher fetches them with the cart), while the customer's own record is not in it: the cart came
    first, or the customer predates bcx and was never reconciled. Nothing else is taken from the cart
    (marketing consent, address, tier come from the customer's record only), and that record, once
    folded, replaces all of it. A guest cart carries no customer: ``profile`` unchanged."""
    customer = snap.customer
    if customer is None or customer.id <= 0 or customer_known(profile):
        return profile
    base = profile or empty(snap.store_hash, customer.id)
    return base.model_copy(
        update={
            "email": customer.email,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "customer_group_id": customer.customer_group_id,
            "consent": base.consent.model_copy(
                update={"abandoned_cart_emails": bool(snap.accepts_abandoned_cart_emails)}
            ),
        }
    )


def apply_cart(profile: MarketingProfile, snap: CartSnapshotRecord) -> MarketingProfile:
    """An abandoned cart opens; a converted or expired one (deleted) closes; others leave it as it was.
    Its customer's contact fills a profile that has none yet (:func:`with_cart_customer`)."""
    profile = with_cart_customer(profile, snap) or profile
    others = [c for c in profile.open_carts if c.cart_id != snap.entity_id]
    cart = snap.cart
    existing = next((c for c in profile.open_carts if c.cart_id == snap.entity_id), None)
    if not snap.deleted and cart is not None and (snap.abandoned or existing is not None):
        items = [*cart.line_items.physical_items, *cart.line_items.digital_items]
        others.append(
            ProfileCart(
                cart_id=cart.id,
                abandoned_at=existing.abandoned_at if existing else snap.trigger.created_at,
                amount=cart.cart_amount,
                currency=cart.currency.code,
                item_count=sum(i.quantity for i in items),
                product_ids=sorted({i.product_id for i in items}),
            )
        )
    others.sort(key=lambda c: c.cart_id)
    return profile.model_copy(update={"open_carts": others})


def apply_refund(profile: MarketingProfile, snap: RefundSnapshotRecord) -> MarketingProfile:
    """A return (refund) starts a quiet period: the latest refund time is kept."""
    if snap.deleted or snap.refund is None:
        return profile
    at = snap.date_modified or snap.trigger.created_at
    if profile.last_return_at is not None and profile.last_return_at >= at:
        return profile
    return profile.model_copy(update={"last_return_at": at})


def _score(value: Decimal | int, cuts: tuple[Decimal, ...] | tuple[int, ...]) -> int:
    return 1 + sum(1 for cut in cuts if value >= cut)


def _derive(profile: MarketingProfile, scores: Scores) -> MarketingProfile:
    counted = [o for o in profile.orders if o.counted]
    total = sum((o.total for o in counted), Decimal(0))
    return profile.model_copy(
        update={
            "order_count": len(counted),
            "first_order_at": min((o.placed_at for o in counted), default=None),
            "last_order_at": max((o.placed_at for o in counted), default=None),
            "total_value": total,
            "frequency_score": _score(len(counted), scores.frequency) if counted else 0,
            "monetary_score": _score(total, scores.monetary) if counted else 0,
            "category_ids": sorted({c for o in counted for c in o.category_ids}),
            "product_ids": sorted({p for o in counted for p in o.product_ids}),
        }
    )


def rederive(profile: MarketingProfile, policy: MarketingPolicy) -> MarketingProfile:
    return _derive(profile, policy.scores)


def recency_score(profile: MarketingProfile, now: datetime, scores: Scores) -> int:
    """5 (ordered lately) … 1 (long ago); 0 without an order. Computed at use, never stored."""
    if profile.last_order_at is None:
        return 0
    days = (now - profile.last_order_at).days
    return 5 - sum(1 for cut in scores.recency_days if days > cut)
