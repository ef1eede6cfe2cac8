"""Observing what enrichment costs at the HTTP edge, without touching the client: an httpx transport that
counts requests (and 429 answers) for the event being processed, and a sleep that measures waits.

The count lives in a :class:`contextvars.ContextVar` holding a mutable :class:`CallCount`; tasks the client
spawns (``asyncio.gather`` of an order's sub-resources) copy the context and so add to the same object.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx


@dataclass
class CallCount:
    requests: int = 0
    rate_limited: int = 0
    waited_s: float = 0.0


_current: contextvars.ContextVar[CallCount | None] = contextvars.ContextVar(
    "bcx_enricher_calls", default=None
)


def start_counting() -> CallCount:
    """A fresh count for the current task (and the tasks it starts from now on)."""
    count = CallCount()
    _current.set(count)
    return count


class CountingTransport(httpx.AsyncBaseTransport):
    """Delegates to ``inner``; adds each request (and each 429) to the current event's count."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        on_rate_limited: Callable[[], None] | None = None,
    ) -> None:
        self._inner = inner or httpx.AsyncHTTPTransport()
        self._on_rate_limited = on_rate_limited

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        count = _current.get()
        if count is not None:
            count.requests += 1
        response = await self._inner.handle_async_request(request)
        if response.status_code == 429:
            if count is not None:
                count.rate_limited += 1
            if self._on_rate_limited is not None:
                self._on_rate_limited()
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def observed_sleep(
    sleep: Callable[[float], Awaitable[None]], on_wait: Callable[[float], None]
) -> Callable[[float], Awaitable[None]]:
    """``sleep`` that reports each wait (the client waits for rate-limit resets and retry backoff)."""

    async def wrapped(seconds: float) -> None:
        if seconds > 0:
            on_wait(seconds)
            count = _current.get()
            if count is not None:
                count.waited_s += seconds
        await sleep(seconds)

    return wrapped
