"""Triggered retention, pure: which profiles are due a time-based letter now, and in which *state*.

The state becomes the document's version, so each letter goes once per state: the second abandoned-cart
reminder once per cart, a replenishment reminder once per last order, a win-back offer once per last order
(a new order starts a new state). ``bcx sweep`` runs these over the profiles table (a Kubernetes CronJob)
and publishes one trigger per due letter; the retention flow decides, gates and produces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bcx.contracts.marketing_profiles import MarketingProfile
from consumers.marketing.policy import Triggers

SECOND_REMINDER = "abandoned_cart_second_reminder"
REPLENISHMENT = "replenishment_reminder"
WIN_BACK = "win_back_offer"
SWEEPS = {"abandoned-carts": SECOND_REMINDER, "replenishment": REPLENISHMENT, "win-back": WIN_BACK}


@dataclass(frozen=True, slots=True)
class Due:
    document_type: str
    state: str
    why: str


def abandoned_carts(profile: MarketingProfile, now: datetime, triggers: Triggers) -> list[Due]:
    """Carts still open ``abandoned_cart_reminder_hours`` after BigCommerce's abandoned event."""
    hours = timedelta(hours=triggers.abandoned_cart_reminder_hours)
    return [
        Due(
            SECOND_REMINDER,
            cart.cart_id,
            f"cart open {int((now - cart.abandoned_at) / timedelta(hours=1))} h",
        )
        for cart in profile.open_carts
        if now - cart.abandoned_at >= hours
    ]


def replenishment(profile: MarketingProfile, now: datetime, triggers: Triggers) -> list[Due]:
    """The mean interval between the customer's purchases (× factor) has passed since the last one."""
    orders = sorted((o for o in profile.orders if o.counted), key=lambda o: o.placed_at)
    if len(orders) < triggers.replenishment_min_orders:
        return []
    mean = (orders[-1].placed_at - orders[0].placed_at) / (len(orders) - 1)
    if mean <= timedelta(0) or now - orders[-1].placed_at < mean * triggers.replenishment_factor:
        return []
    return [Due(REPLENISHMENT, str(orders[-1].order_id), f"mean interval {mean.days} d passed")]


def win_back(profile: MarketingProfile, now: datetime, triggers: Triggers) -> list[Due]:
    """Recency crossed the win-back threshold; the state is the last order, so it goes once per lapse."""
    last = max((o for o in profile.orders if o.counted), key=lambda o: o.placed_at, default=None)
    if last is None or now - last.placed_at < timedelta(days=triggers.win_back_days):
        return []
    return [Due(WIN_BACK, str(last.order_id), f"no order for {(now - last.placed_at).days} d")]


def due(sweep: str, profile: MarketingProfile, now: datetime, triggers: Triggers) -> list[Due]:
    finder = {"abandoned-carts": abandoned_carts, "replenishment": replenishment, "win-back": win_back}[sweep]
    return finder(profile, now, triggers)
