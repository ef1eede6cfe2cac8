"""Product facts (categories, type) read for many orders at once: one listing per store at a time.

Orders in flight together mostly need facts of different products. Rather than one
``GET /v3/catalog/products?id:in=…`` per order, :class:`ProductFactsBatcher` keeps at most one listing in
flight per store; the ids asked for while it runs (or waits for rate-limit budget) go into the next one,
up to 250 (the listing's page size) per call. So the busier the store, the fuller each call. Each call runs
in the context of one of the events it serves (which is waiting for it), so the per-event request count
(:mod:`producers.enricher.api_calls`) sees every call.
"""

from __future__ import annotations

import asyncio
import contextvars

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.models import ProductCategories

#: ids per listing (the v3 catalogue's largest page)
BATCH = 250


class ProductFactsBatcher:
    def __init__(self, client: BigCommerceClient) -> None:
        self._client = client
        self._pending: dict[str, dict[int, _Wanted]] = {}
        self._pumps: dict[str, asyncio.Task[None]] = {}

    def get(self, store_hash: str, product_id: int) -> asyncio.Future[ProductCategories | None]:
        """The facts of one product (``None`` when it no longer exists), read with the store's next batch."""
        pending = self._pending.setdefault(store_hash, {})
        wanted = pending.get(product_id)
        if wanted is None:
            wanted = _Wanted(asyncio.get_running_loop().create_future(), contextvars.copy_context())
            pending[product_id] = wanted
        if store_hash not in self._pumps:
            self._pumps[store_hash] = asyncio.ensure_future(self._pump(store_hash))
        return wanted.future

    async def _pump(self, store_hash: str) -> None:
        try:
            await asyncio.sleep(0)  # let the other events of this loop turn add their ids
            while pending := self._pending.get(store_hash):
                wanted = {i: pending.pop(i) for i in sorted(pending)[:BATCH]}
                if not pending:
                    del self._pending[store_hash]
                batch = {i: w.future for i, w in wanted.items()}
                read = self._client.get_product_categories(store_hash, list(batch))
                context = next(iter(wanted.values())).context
                try:
                    listed = await asyncio.get_running_loop().create_task(read, context=context)
                    found = {p.id: p for p in listed}
                except asyncio.CancelledError:
                    for future in batch.values():
                        future.cancel()
                    raise
                except Exception as exc:
                    for future in batch.values():
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for product_id, future in batch.items():
                    if not future.done():
                        future.set_result(found.get(product_id))
        finally:
            del self._pumps[store_hash]


class _Wanted:
    """One product id asked for: the future its callers wait on, and the asking event's context."""

    __slots__ = ("context", "future")

    def __init__(
        self, future: asyncio.Future[ProductCategories | None], context: contextvars.Context
    ) -> None:
        self.future = future
        self.context = context
