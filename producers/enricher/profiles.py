"""The store, customer and catalogue facts snapshots carry beyond their entity, cached per store.

An order document needs the store's profile, the customer's (with the B2B company they buy for) and the
order lines' categories. They change rarely, so the enricher reads each once and keeps it for ``ttl_s``
(per store; bounded to ``max_entries`` per kind, oldest first out). Concurrent misses of one entry share
one read (:class:`~producers.enricher.cache.Loads`). The webhooks that announce a change drop the entry at
once (:meth:`Profiles.invalidate`): ``store/information/updated`` the store, ``store/customer/*`` the
customer and its company link, ``store/company/*`` the links to that company, ``store/product/*`` and
``store/sku/*`` the product, ``store/category/deleted`` every product of the store.

Costs on a miss: store 1 call; customer 1 call (``GET /v3/customers?id:in=`` with its includes) + 1 B2B
call, the store-wide attribute definitions (1) and customer groups (1, ``GET /v2/customer_groups``) being
read once per TTL — again only when a customer names an attribute or group they do not know; categories
and type 1 call (``GET /v3/catalog/products?id:in=…``) for all of an order's uncached products. Reads the
enricher makes anyway refresh the cache for free: a customer event's customer, a product event's product.

A store without B2B Edition answers the company look-up with an authorisation or client error: its
customers then have no company, and the store is not asked again until the TTL expires.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Hashable

from bcx.bigcommerce.api.customers import customer_snapshot
from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.errors import NotFound, PermanentError
from bcx.bigcommerce.models import Company, CustomerGroup, CustomerSnapshot, Product, ProductCategories
from bcx.contracts.commerce_profiles import CustomerProfile, StoreProfile
from bcx.contracts.webhook_event import WebhookEvent
from bcx.logging import get_logger
from producers.enricher.batching import ProductFactsBatcher
from producers.enricher.cache import MISSING, Loads, TtlCache
from producers.enricher.plan import normalise_scope
from producers.enricher.profile_mapping import customer_profile, store_profile

log = get_logger(__name__)


class Profiles:
    """Cached, single-flight reads of store and customer profiles and product facts through ``client``."""

    def __init__(
        self,
        client: BigCommerceClient,
        *,
        ttl_s: float = 600.0,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._loads = Loads()
        self._stores: TtlCache[StoreProfile] = TtlCache(ttl_s, clock, max_entries)
        self._customers: TtlCache[CustomerSnapshot | None] = TtlCache(ttl_s, clock, max_entries)
        self._companies: TtlCache[Company | None] = TtlCache(ttl_s, clock, max_entries)
        self._products: TtlCache[ProductCategories | None] = TtlCache(ttl_s, clock, max_entries)
        self._attribute_names: TtlCache[dict[int, str]] = TtlCache(ttl_s, clock, max_entries)
        self._groups: TtlCache[dict[int, CustomerGroup]] = TtlCache(ttl_s, clock, max_entries)
        #: store-wide lists re-read because a customer named an unknown entry (at most once per TTL)
        self._reread: TtlCache[bool] = TtlCache(ttl_s, clock, max_entries)
        self._no_b2b: TtlCache[bool] = TtlCache(ttl_s, clock, max_entries)
        self._batcher = ProductFactsBatcher(client)

    async def store(self, store_hash: str) -> StoreProfile:
        async def load() -> StoreProfile:
            return store_profile(await self._client.get_store_information(store_hash))

        return await self._loads.get(self._stores, ("store", store_hash), load)

    async def customer(self, store_hash: str, customer_id: int) -> CustomerProfile | None:
        """The customer's profile; ``None`` for a guest (id 0) or a customer that no longer exists."""
        if customer_id <= 0:
            return None

        async def load() -> CustomerSnapshot | None:
            try:
                return await self._read_customer(store_hash, customer_id)
            except NotFound:
                return None

        key = ("customer", store_hash, customer_id)
        snapshot, company = await asyncio.gather(
            self._loads.get(self._customers, key, load), self._company_of(store_hash, customer_id)
        )
        return customer_profile(snapshot, company) if snapshot is not None else None

    async def customer_snapshot(self, store_hash: str, customer_id: int) -> CustomerSnapshot:
        """A fresh read of the customer (a customer event's snapshot), which also refreshes the cache;
        :class:`NotFound` when it no longer exists."""
        key = ("customer", store_hash, customer_id)
        snapshot = await self._read_customer(store_hash, customer_id)
        self._loads.forget(lambda k: k == key)
        self._customers.put(key, snapshot)
        return snapshot

    async def _read_customer(self, store_hash: str, customer_id: int) -> CustomerSnapshot:
        customer = await self._client.get_customer_only(store_hash, customer_id)
        names: dict[int, str] = {}
        if customer.attributes:
            names = await self._attribute_names_for(store_hash, {a.attribute_id for a in customer.attributes})
        group = None
        if customer.customer_group_id:
            group = (await self._groups_for(store_hash, customer.customer_group_id)).get(
                customer.customer_group_id
            )
        return customer_snapshot(customer, names, group)

    async def _attribute_names_for(self, store_hash: str, wanted: set[int]) -> dict[int, str]:
        async def load() -> dict[int, str]:
            return {a.id: a.name for a in await self._client.list_customer_attributes(store_hash)}

        key = ("attributes", store_hash)
        names = await self._loads.get(self._attribute_names, key, load)
        if not wanted <= names.keys() and self._once_per_ttl(key):
            names = await self._loads.get(self._attribute_names, key, load)
        return names

    async def _groups_for(self, store_hash: str, wanted: int) -> dict[int, CustomerGroup]:
        async def load() -> dict[int, CustomerGroup]:
            return {g.id: g for g in await self._client.list_customer_groups(store_hash)}

        key = ("groups", store_hash)
        groups = await self._loads.get(self._groups, key, load)
        if wanted not in groups and self._once_per_ttl(key):
            groups = await self._loads.get(self._groups, key, load)
        return groups

    def _once_per_ttl(self, key: tuple[str, str]) -> bool:
        """True (and the cached list dropped) the first time in a TTL a customer names an unknown entry:
        a definition created since the list was read."""
        if self._reread.get(key) is not MISSING:
            return False
        self._reread.put(key, True)
        cache = self._attribute_names if key[0] == "attributes" else self._groups
        cache.drop(lambda k, _v: k == key)
        return True

    async def _company_of(self, store_hash: str, customer_id: int) -> Company | None:
        if self._no_b2b.get(store_hash) is True:
            return None

        async def load() -> Company | None:
            try:
                return await self._client.find_customer_company(store_hash, customer_id)
            except NotFound:
                return None
            except PermanentError as exc:
                self._no_b2b.put(store_hash, True)
                log.info("enricher.no_b2b", store_hash=store_hash, error_class=type(exc).__name__)
                return None

        return await self._loads.get(self._companies, ("company", store_hash, customer_id), load)

    async def products(self, store_hash: str, product_ids: list[int]) -> dict[int, ProductCategories]:
        """Category ids and type per product id (uncached ones batched with other events' into one
        listing); a product that no longer exists is absent."""
        wanted = sorted({p for p in product_ids if p > 0})
        reads = [
            self._loads.start(
                self._products,
                ("product", store_hash, product_id),
                functools.partial(self._batcher.get, store_hash, product_id),
            )
            if (hit := self._products.get(("product", store_hash, product_id))) is MISSING
            else _done(hit)
            for product_id in wanted
        ]
        facts = await asyncio.gather(*map(asyncio.shield, reads))
        return {p: f for p, f in zip(wanted, facts, strict=True) if f is not None}

    def seed_product(self, store_hash: str, product: Product) -> None:
        """Keep the categories and type of a product the enricher has just read in full."""
        key = ("product", store_hash, product.id)
        self._loads.forget(lambda k: k == key)
        facts = ProductCategories(id=product.id, categories=list(product.categories), type=product.type)
        self._products.put(key, facts)

    def invalidate(self, event: WebhookEvent) -> None:
        """Forget what ``event`` says has changed (see the module docstring)."""
        scope = normalise_scope(event.scope)
        store = event.store_hash
        data = event.data()
        dropped: Callable[[Hashable], bool] | None = None
        if scope == "store/information/updated":
            dropped = _is(("store", store))
        elif scope.startswith("store/customer/"):
            address = data.get("address")
            raw = address.get("customer_id") if isinstance(address, dict) else data.get("id")
            customer_id = _int(raw)
            keys = {("customer", store, customer_id), ("company", store, customer_id)}
            dropped = keys.__contains__
        elif scope.startswith("store/company/"):
            company_id = _int(data.get("company_id", data.get("id")))
            self._companies.drop(
                lambda key, v: _store_of(key) == store and v is not None and v.company_id == company_id
            )
            self._loads.forget(lambda k: isinstance(k, tuple) and k[:2] == ("company", store))
        elif scope.startswith(("store/product/", "store/sku/")):
            for part in ("inventory", "sku"):
                nested = data.get(part)
                if isinstance(nested, dict) and nested.get("product_id") is not None:
                    data = {"id": nested["product_id"]}
            dropped = _is(("product", store, _int(data.get("id"))))
        elif scope == "store/category/deleted":
            dropped = lambda k: isinstance(k, tuple) and k[:2] == ("product", store)  # noqa: E731
        if dropped is not None:
            for cache in (self._stores, self._customers, self._companies, self._products):
                cache.drop(lambda key, _v, d=dropped: d(key))  # type: ignore[misc]
            self._loads.forget(dropped)


def _done(value: ProductCategories | None) -> asyncio.Future[ProductCategories | None]:
    future: asyncio.Future[ProductCategories | None] = asyncio.get_running_loop().create_future()
    future.set_result(value)
    return future


def _is(wanted: tuple[object, ...]) -> Callable[[Hashable], bool]:
    return lambda key: key == wanted


def _store_of(key: Hashable) -> object:
    return key[1] if isinstance(key, tuple) and len(key) > 1 else None


def _int(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None
