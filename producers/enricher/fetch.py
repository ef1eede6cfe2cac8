"""Reading the current state of a :class:`~producers.enricher.plan.Target` through the BigCommerce client.

One :class:`EventReads` per event memoises reads, so a refund event reads its order once for both the order
and the refund snapshot. A 404 for the entity itself answers ``None`` (it no longer exists); every other
adapter error propagates for :mod:`producers.enricher.enricher` to classify.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.errors import NotFound
from bcx.bigcommerce.models import (
    Cart,
    CompanySnapshot,
    CustomerSnapshot,
    Order,
    OrderSnapshot,
    ProductSnapshot,
)
from bcx.bigcommerce.models import Refund as ApiRefund
from producers.enricher.profiles import Profiles

#: which ``NotFound.resource`` labels mean "this entity is gone" for each target type
_GONE = {
    "order": {"order"},
    "refund": {"refund", "order"},
    "customer": {"customer"},
    "cart": {"cart"},
    "product": {"product"},
    "company": {"company"},
}


class SubResourceMissing(Exception):
    """A 404 for something other than the entity itself (e.g. a price list deleted mid-read)."""


class EventReads:
    """The reads of one event against one store, memoised by (kind, id)."""

    def __init__(self, client: BigCommerceClient, store_hash: str, profiles: Profiles | None = None) -> None:
        self._client = client
        self._store = store_hash
        #: when profiles are carried, customer and product reads go through them and refresh their cache
        self._profiles = profiles
        self._cache: dict[tuple[str, str], Any] = {}
        #: prefetches started by :meth:`order` (kept referenced until they finish)
        self._alongside: list[asyncio.Future[None]] = []

    async def _once(self, kind: str, ident: str, read: Callable[[], Awaitable[Any]]) -> Any:
        key = (kind, ident)
        if key not in self._cache:
            try:
                self._cache[key] = await read()
            except NotFound as exc:
                if exc.resource not in _GONE[kind]:
                    raise SubResourceMissing(str(exc)) from exc
                self._cache[key] = None
        return self._cache[key]

    async def order(
        self, order_id: int, *, alongside: Callable[[Order], Awaitable[None]] | None = None
    ) -> OrderSnapshot | None:
        """The order; ``alongside(order)`` starts once its first call answered and runs while the
        sub-resources are read (a best-effort prefetch: it must not raise)."""

        async def read() -> OrderSnapshot:
            header = await self._client.get_order_only(self._store, order_id)
            if alongside is not None:
                self._alongside.append(asyncio.ensure_future(alongside(header)))
            return await self._client.get_order_parts(self._store, header)

        found: OrderSnapshot | None = await self._once("order", str(order_id), read)
        return found

    async def refund(self, refund_id: int, order_id: int) -> tuple[ApiRefund | None, OrderSnapshot | None]:
        """The refund (from its order's refunds, else read directly) and its order."""
        order = await self.order(order_id)
        if order is None:
            return None, None
        for refund in order.refunds:
            if refund.id == refund_id:
                return refund, order
        found: ApiRefund | None = await self._once(
            "refund", str(refund_id), lambda: self._client.get_refund(self._store, refund_id)
        )
        if found is not None and found.order_id != order_id:
            return None, order
        return found, order

    async def customer(self, customer_id: int) -> CustomerSnapshot | None:
        profiles = self._profiles
        read = (
            (lambda: profiles.customer_snapshot(self._store, customer_id))
            if profiles is not None
            else (lambda: self._client.get_customer(self._store, customer_id))
        )
        found: CustomerSnapshot | None = await self._once("customer", str(customer_id), read)
        return found

    async def cart(self, cart_id: str) -> Cart | None:
        found: Cart | None = await self._once(
            "cart", cart_id, lambda: self._client.get_cart(self._store, cart_id)
        )
        return found

    async def product(self, product_id: int) -> ProductSnapshot | None:
        found: ProductSnapshot | None = await self._once(
            "product", str(product_id), lambda: self._client.get_product(self._store, product_id)
        )
        if found is not None and self._profiles is not None:
            self._profiles.seed_product(self._store, found.product)
        return found

    async def company(self, company_id: int) -> CompanySnapshot | None:
        found: CompanySnapshot | None = await self._once(
            "company", str(company_id), lambda: self._client.get_company(self._store, company_id)
        )
        return found
