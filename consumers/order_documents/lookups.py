"""The store and customer an order document needs beyond the order snapshot, read through BigCommerce.

``commerce.orders.v1`` carries the order only. Documents also need the store's identity (``GET /v2/store``:
name, address, support contact, timezone) and, for registered customers, their delivery and language
preferences (customer attributes). Both change rarely, so they are cached per store/customer for
``ttl_s``; a store costs one call per process and TTL, a customer three (customer, attribute names, group).
Each cache miss opens its own client and closes it (the runtime gives use cases no shutdown hook, and misses
are rare), so no connection outlives the call.

BigCommerce failures are translated here: transient ones (429, 5xx, transport) become the runtime's
:class:`~consumers.runtime.errors.RetryableError`; a missing customer (deleted since the order) means no
preferences, not a failure; other permanent errors for the store stop the record
(:class:`~consumers.runtime.errors.PermanentError`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.errors import NotFound
from bcx.bigcommerce.errors import PermanentError as BcPermanentError
from bcx.bigcommerce.errors import RetryableError as BcRetryableError
from bcx.bigcommerce.models import CustomerSnapshot, StoreInformation
from consumers.runtime.errors import PermanentError, RetryableError

V = TypeVar("V")


class Lookups(Protocol):
    async def store(self, store_hash: str) -> StoreInformation: ...

    async def customer(self, store_hash: str, customer_id: int) -> CustomerSnapshot | None: ...


class _TtlCache:
    def __init__(self, ttl_s: float, clock: Callable[[], float]) -> None:
        self._ttl = ttl_s
        self._clock = clock
        self._entries: dict[tuple[str, int], tuple[float, object]] = {}

    async def get(self, key: tuple[str, int], load: Callable[[], Awaitable[V]]) -> V:
        now = self._clock()
        hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]  # type: ignore[return-value]  # stored by this same call site's load()
        value = await load()
        self._entries[key] = (now, value)
        return value


class BigCommerceLookups:
    """:class:`Lookups` through BigCommerce clients made by ``client``, cached for ``ttl_s`` seconds."""

    def __init__(
        self,
        client: Callable[[], BigCommerceClient],
        *,
        ttl_s: float = 600.0,
        customers: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._customers = customers
        self._stores = _TtlCache(ttl_s, clock)
        self._people = _TtlCache(ttl_s, clock)

    async def store(self, store_hash: str) -> StoreInformation:
        async def load() -> StoreInformation:
            try:
                async with self._client() as client:
                    return await client.get_store_information(store_hash)
            except BcRetryableError as exc:
                raise RetryableError(str(exc), error_class="bigcommerce.retryable", stage="lookup") from exc
            except BcPermanentError as exc:
                raise PermanentError(str(exc), error_class="bigcommerce.store", stage="lookup") from exc

        return await self._stores.get((store_hash, 0), load)

    async def customer(self, store_hash: str, customer_id: int) -> CustomerSnapshot | None:
        if not self._customers or customer_id <= 0:
            return None

        async def load() -> CustomerSnapshot | None:
            try:
                async with self._client() as client:
                    return await client.get_customer(store_hash, customer_id)
            except NotFound:
                return None
            except BcRetryableError as exc:
                raise RetryableError(str(exc), error_class="bigcommerce.retryable", stage="lookup") from exc
            except BcPermanentError as exc:
                raise PermanentError(str(exc), error_class="bigcommerce.customer", stage="lookup") from exc

        return await self._people.get((store_hash, customer_id), load)
