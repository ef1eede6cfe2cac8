"""Product facts (categories, type) read for many orders at once: one listing per store at a time.

Orders in flight together mostly need facts of different products. Rather than one
``GET /v3/catalog/products?id:in=…`` per order, :class:`ProductFactsBatcher` keeps at most one listing in
flight per store; the ids asked for while it runs (or waits for rate-limit budget) go into the next one,
up to 250 (the listing's page size) per call. So the busier the store, the fuller each call.
"""

from __future__ import annotations

import asyncio

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.models import ProductCategories

#: ids per listing (the v3 catalogue's largest page)
BATCH = 250


class ProductFactsBatcher:
    def __init__(self, client: BigCommerceClient) -> None:
        self._client = client
        self._pending: dict[str, dict[int, asyncio.Future[ProductCategories | None]]] = {}
        self._pumps: dict[str, asyncio.Task[None]] = {}

    def get(self, store_hash: str, product_id: int) -> asyncio.Future[ProductCategories | None]:
        """The facts of one product (``None`` when it no longer exists), read with the store's next batch."""
        pending = self._pending.setdefault(store_hash, {})
        future = pending.get(product_id)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            pending[product_id] = future
        if store_hash not in self._pumps:
            self._pumps[store_hash] = asyncio.ensure_future(self._pump(store_hash))
        return future

    async def _pump(self, store_hash: str) -> None:
        try:
            await asyncio.sleep(0)  # let the other events of this loop turn add their ids
            while pending := self._pending.get(store_hash):
                batch = {i: pending.pop(i) for i in sorted(pending)[:BATCH]}
                if not pending:
                    del self._pending[store_hash]
                try:
                    found = {
                        p.id: p for p in await self._client.get_product_categories(store_hash, list(batch))
                    }
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
