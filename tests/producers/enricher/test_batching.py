"""Product facts batched across events: one listing in flight per store, the next one collects the rest."""

from __future__ import annotations

import asyncio
import contextvars
from typing import cast

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.models import ProductCategories
from producers.enricher.batching import ProductFactsBatcher

ASKER: contextvars.ContextVar[str] = contextvars.ContextVar("asker", default="nobody")


class FakeCatalog:
    """Answers listings after ``gate`` opens, recording the ids and the asking context of each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[int], str]] = []
        self.gate = asyncio.Event()

    async def get_product_categories(self, store_hash: str, ids: list[int]) -> list[ProductCategories]:
        self.calls.append((list(ids), ASKER.get()))
        await self.gate.wait()
        return [ProductCategories(id=i, categories=[i * 10]) for i in ids if i != 99]


async def _ask(batcher: ProductFactsBatcher, who: str, ids: list[int]) -> list[ProductCategories | None]:
    ASKER.set(who)
    return list(await asyncio.gather(*(batcher.get("s", i) for i in ids)))


class TestProductFactsBatcher:
    async def test_ids_asked_during_a_listing_go_into_one_next_listing(self) -> None:
        """The first event's ids are listed at once; two events asking meanwhile share the second call, run
        in the context of one of them (so the per-event request count sees it)."""
        catalog = FakeCatalog()
        batcher = ProductFactsBatcher(cast(BigCommerceClient, catalog))
        first = asyncio.ensure_future(_ask(batcher, "first", [1, 2]))
        await asyncio.sleep(0.01)
        second = asyncio.ensure_future(_ask(batcher, "second", [3, 99]))
        third = asyncio.ensure_future(_ask(batcher, "third", [4, 3]))
        await asyncio.sleep(0.01)
        catalog.gate.set()
        answers = await asyncio.gather(first, second, third)
        assert catalog.calls == [([1, 2], "first"), ([3, 4, 99], "second")]
        assert [[a.categories if a else None for a in answer] for answer in answers] == [
            [[10], [20]],
            [[30], None],
            [[40], [30]],
        ]

    async def test_a_failed_listing_fails_its_callers_and_the_next_one_reads_again(self) -> None:
        """Every caller of a failed listing gets the error; a later ask starts a fresh listing."""
        catalog = FakeCatalog()
        catalog.gate.set()
        failing = True

        async def flaky(store_hash: str, ids: list[int]) -> list[ProductCategories]:
            if failing:
                raise RuntimeError("unavailable")
            return [ProductCategories(id=i) for i in ids]

        catalog.get_product_categories = flaky  # type: ignore[method-assign]
        batcher = ProductFactsBatcher(cast(BigCommerceClient, catalog))
        outcome = await asyncio.gather(batcher.get("s", 1), batcher.get("s", 2), return_exceptions=True)
        assert all(isinstance(o, RuntimeError) for o in outcome)
        failing = False
        found = await batcher.get("s", 1)
        assert found is not None
        assert found.id == 1
