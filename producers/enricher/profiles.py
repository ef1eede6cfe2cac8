"""The store, customer and catalogue facts snapshots carry beyond their entity, cached per store.

An order document needs the store's profile, the customer's (with the B2B company they buy for) and the
order lines' categories. They change rarely, so the enricher reads each once and keeps it for ``ttl_s``
(per store; bounded to ``max_entries`` per kind, oldest first out). The webhooks that announce a change
drop the entry at once (:meth:`Profiles.invalidate`): ``store/information/updated`` the store,
``store/customer/*`` the customer, ``store/company/*`` every customer of that company, ``store/product/*``
and ``store/sku/*`` the product. Costs on a miss: store 1 call, customer 3 (customer, attribute names,
group) + 1 B2B call, categories 1 call for all of an order's uncached products.

A store without B2B Edition answers the company look-up with an authorisation or client error: its
customers then have no company, and the store is not asked again until the TTL expires.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.errors import NotFound, PermanentError
from bcx.bigcommerce.models import Company
from bcx.contracts.commerce_profiles import CustomerProfile, StoreProfile
from bcx.contracts.webhook_event import WebhookEvent
from bcx.logging import get_logger
from producers.enricher.plan import normalise_scope
from producers.enricher.profile_mapping import customer_profile, store_profile

log = get_logger(__name__)

V = TypeVar("V")
_MISSING = object()


class TtlCache(Generic[V]):
    """A bounded map whose entries expire ``ttl_s`` after they were stored."""

    def __init__(self, ttl_s: float, clock: Callable[[], float], max_entries: int) -> None:
        self._ttl = ttl_s
        self._clock = clock
        self._max = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()

    def get(self, key: Hashable) -> V | object:
        hit = self._entries.get(key)
        if hit is None or self._clock() - hit[0] >= self._ttl:
            return _MISSING
        return hit[1]

    def put(self, key: Hashable, value: V) -> None:
        self._entries[key] = (self._clock(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def drop(self, predicate: Callable[[Hashable, V], bool]) -> int:
        gone = [k for k, (_, v) in self._entries.items() if predicate(k, v)]
        for key in gone:
            del self._entries[key]
        return len(gone)


class Profiles:
    """Cached reads of store profiles, customer profiles and product categories through ``client``."""

    def __init__(
        self,
        client: BigCommerceClient,
        *,
        ttl_s: float = 600.0,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._stores: TtlCache[StoreProfile] = TtlCache(ttl_s, clock, max_entries)
        self._customers: TtlCache[CustomerProfile | None] = TtlCache(ttl_s, clock, max_entries)
        self._categories: TtlCache[list[int]] = TtlCache(ttl_s, clock, max_entries)
        self._no_b2b: TtlCache[bool] = TtlCache(ttl_s, clock, max_entries)

    async def store(self, store_hash: str) -> StoreProfile:
        hit = self._stores.get(store_hash)
        if isinstance(hit, StoreProfile):
            return hit
        profile = store_profile(await self._client.get_store_information(store_hash))
        self._stores.put(store_hash, profile)
        return profile

    async def customer(self, store_hash: str, customer_id: int) -> CustomerProfile | None:
        """The customer's profile; ``None`` for a guest (id 0) or a customer that no longer exists."""
        if customer_id <= 0:
            return None
        key = (store_hash, customer_id)
        hit = self._customers.get(key)
        if hit is not _MISSING:
            return hit if isinstance(hit, CustomerProfile) else None
        try:
            snapshot = await self._client.get_customer(store_hash, customer_id)
        except NotFound:
            self._customers.put(key, None)
            return None
        profile = customer_profile(snapshot, await self._company_of(store_hash, customer_id))
        self._customers.put(key, profile)
        return profile

    async def _company_of(self, store_hash: str, customer_id: int) -> Company | None:
        if self._no_b2b.get(store_hash) is True:
            return None
        try:
            return await self._client.find_customer_company(store_hash, customer_id)
        except NotFound:
            return None
        except PermanentError as exc:
            self._no_b2b.put(store_hash, True)
            log.info("enricher.no_b2b", store_hash=store_hash, error_class=type(exc).__name__)
            return None

    async def categories(self, store_hash: str, product_ids: list[int]) -> dict[int, list[int]]:
        """Category ids per product id; a product that no longer exists has none."""
        wanted = sorted({p for p in product_ids if p > 0})
        found: dict[int, list[int]] = {}
        missing: list[int] = []
        for product_id in wanted:
            hit = self._categories.get((store_hash, product_id))
            if isinstance(hit, list):
                found[product_id] = hit
            else:
                missing.append(product_id)
        if missing:
            read = {
                p.id: list(p.categories)
                for p in await self._client.get_product_categories(store_hash, missing)
            }
            for product_id in missing:
                found[product_id] = read.get(product_id, [])
                self._categories.put((store_hash, product_id), found[product_id])
        return found

    def invalidate(self, event: WebhookEvent) -> None:
        """Forget what ``event`` says has changed (see the module docstring)."""
        scope = normalise_scope(event.scope)
        store = event.store_hash
        data = event.data()
        if scope == "store/information/updated":
            self._stores.drop(lambda key, _v: key == store)
        elif scope.startswith("store/customer/"):
            address = data.get("address")
            raw = address.get("customer_id") if isinstance(address, dict) else data.get("id")
            customer_id = _int(raw)
            self._customers.drop(lambda key, _v: key == (store, customer_id))
        elif scope.startswith("store/company/"):
            company_id = _int(data.get("company_id", data.get("id")))
            self._customers.drop(
                lambda key, v: (
                    _store_of(key) == store
                    and v is not None
                    and v.b2b_company is not None
                    and v.b2b_company.company_id == company_id
                )
            )
        elif scope.startswith(("store/product/", "store/sku/")):
            for part in ("inventory", "sku"):
                nested = data.get(part)
                if isinstance(nested, dict) and nested.get("product_id") is not None:
                    data = {"id": nested["product_id"]}
            product_id = _int(data.get("id"))
            self._categories.drop(lambda key, _v: key == (store, product_id))


def _store_of(key: Hashable) -> object:
    return key[0] if isinstance(key, tuple) else key


def _int(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None
