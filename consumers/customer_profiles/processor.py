"""One snapshot → the customer's profile re-folded and written to ``marketing.profiles.v1``.

Records of one customer arrive under different keys (each order, cart and refund is its own key), so the
runtime may run two of them at once: a lock per customer serialises the read-modify-write in this
process. The group runs one replica (deploy/k8s/processes.yaml); a second one would need the input
topics keyed by customer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Protocol

from bcx.contracts.commerce_carts import CartSnapshotRecord
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.contracts.commerce_customers import CustomerSnapshotRecord
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.commerce_refunds import RefundSnapshotRecord
from bcx.contracts.marketing_profiles import MarketingProfile
from bcx.logging import get_logger
from consumers.marketing import profile as fold
from consumers.marketing.policy import MarketingPolicy
from consumers.runtime import RecordContext

log = get_logger(__name__)


class ProfileTable(Protocol):
    def get(self, key: str) -> MarketingProfile | None: ...

    def rows(self) -> dict[str, MarketingProfile]: ...

    async def put(self, key: str, row: MarketingProfile | None) -> None: ...


def customer_of(value: SnapshotEnvelope) -> int:
    """The registered customer a snapshot belongs to (0: a guest, nothing to fold)."""
    if isinstance(value, CustomerSnapshotRecord):
        return int(value.entity_id)
    if isinstance(value, OrderSnapshotRecord):
        return fold.customer_of_order(value)
    if isinstance(value, CartSnapshotRecord):
        if value.cart is not None:
            return value.cart.customer_id
        return value.customer.id if value.customer else 0
    if isinstance(value, RefundSnapshotRecord):
        return value.customer.id if value.customer else 0
    return 0


def cart_owner(profiles: Iterable[MarketingProfile], cart_id: str) -> int:
    """Who holds ``cart_id`` open: a converted or expired cart's snapshot no longer names its customer."""
    return next((p.customer_id for p in profiles if any(c.cart_id == cart_id for c in p.open_carts)), 0)


def folded(
    current: MarketingProfile | None, value: SnapshotEnvelope, policy: MarketingPolicy, customer_id: int
) -> MarketingProfile | None:
    """The pure step: the profile after ``value``."""
    if isinstance(value, CustomerSnapshotRecord):
        return fold.apply_customer(current, value, policy)
    base = current or fold.empty(value.store_hash, customer_id)
    if isinstance(value, OrderSnapshotRecord):
        return fold.apply_order(base, value, policy)
    if isinstance(value, CartSnapshotRecord):
        return fold.apply_cart(base, value)
    if isinstance(value, RefundSnapshotRecord):
        return fold.apply_refund(base, value)
    return current


class ProfilesProcessor:
    """Implements the runtime's ``Processor`` over any of the four snapshot types."""

    def __init__(
        self, *, table: ProfileTable, policy: MarketingPolicy, on_change: Callable[[str], None] | None = None
    ) -> None:
        self._table = table
        self._policy = policy
        self._locks: dict[str, asyncio.Lock] = {}
        self._on_change = on_change

    async def process(self, value: SnapshotEnvelope, ctx: RecordContext) -> None:
        customer_id = customer_of(value)
        if not customer_id and isinstance(value, CartSnapshotRecord) and value.deleted:
            customer_id = cart_owner(self._table.rows().values(), value.entity_id)
        if not customer_id:
            return
        key = f"{value.store_hash}:{customer_id}"
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            current = self._table.get(key)
            new = folded(current, value, self._policy, customer_id)
            if new == current:
                return
            await self._table.put(key, new)
        if self._on_change is not None:
            self._on_change(value.entity_type)
        log.info(
            "profiles.updated",
            store_hash=value.store_hash,
            customer_id=customer_id,
            entity_type=value.entity_type,
            deleted=new is None,
        )
