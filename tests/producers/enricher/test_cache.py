"""Single-flight loading into the TTL cache: one read per missing key, stale reads not kept."""

from __future__ import annotations

import asyncio

from producers.enricher.cache import MISSING, Loads, TtlCache


def _cache(now: list[float]) -> TtlCache[str]:
    return TtlCache(10.0, lambda: now[0], max_entries=2)


class TestTtlCache:
    def test_entries_expire_and_the_oldest_leave_first(self) -> None:
        """An entry is gone after its TTL, and a third entry evicts the oldest of two."""
        now = [0.0]
        cache = _cache(now)
        cache.put("a", "1")
        cache.put("b", "2")
        cache.put("c", "3")
        assert (cache.get("a"), cache.get("c")) == (MISSING, "3")
        now[0] = 10.0
        assert cache.get("c") is MISSING


class TestLoads:
    async def test_concurrent_misses_share_one_read(self) -> None:
        """Ten callers missing one key at once cause one read and all get its value, which is then cached."""
        reads = 0
        gate = asyncio.Event()

        async def load() -> str:
            nonlocal reads
            reads += 1
            await gate.wait()
            return "v"

        loads, cache = Loads(), _cache([0.0])
        callers = [asyncio.ensure_future(loads.get(cache, "k", load)) for _ in range(10)]
        await asyncio.sleep(0)
        gate.set()
        assert await asyncio.gather(*callers) == ["v"] * 10
        assert (reads, cache.get("k")) == (1, "v")

    async def test_read_in_flight_during_invalidation_is_not_cached(self) -> None:
        """A read that was running when its key was invalidated answers its callers but is not kept."""
        gate = asyncio.Event()

        async def load() -> str:
            await gate.wait()
            return "old"

        loads, cache = Loads(), _cache([0.0])
        caller = asyncio.ensure_future(loads.get(cache, "k", load))
        await asyncio.sleep(0)
        loads.forget(lambda key: key == "k")
        gate.set()
        assert await caller == "old"
        assert cache.get("k") is MISSING

    async def test_a_failed_read_is_not_cached_and_the_next_caller_reads_again(self) -> None:
        """Every waiting caller sees the failure; nothing is kept, so the next miss reads anew."""
        attempts = 0

        async def load() -> str:
            nonlocal attempts
            attempts += 1
            if attempts == 1:
                raise RuntimeError("boom")
            return "v"

        loads, cache = Loads(), _cache([0.0])
        first = await asyncio.gather(loads.get(cache, "k", load), return_exceptions=True)
        assert isinstance(first[0], RuntimeError)
        assert await loads.get(cache, "k", load) == "v"

    async def test_a_cancelled_caller_does_not_cancel_the_others_read(self) -> None:
        """Cancelling one of two waiting callers leaves the shared read running for the other."""
        gate = asyncio.Event()

        async def load() -> str:
            await gate.wait()
            return "v"

        loads, cache = Loads(), _cache([0.0])
        first = asyncio.ensure_future(loads.get(cache, "k", load))
        second = asyncio.ensure_future(loads.get(cache, "k", load))
        await asyncio.sleep(0)
        first.cancel()
        gate.set()
        assert await second == "v"
