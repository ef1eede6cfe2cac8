"""``PooledTransport``: an httpx transport whose connection pool costs O(1) per request.

Why not httpx's default pool: httpcore's ``AsyncConnectionPool`` re-examines *every* connection for *every*
queued request each time a request starts or a response closes (``has_expired`` even asks the socket, two
system calls per connection), and closes idle connections whenever the pool holds more than
``max_keepalive_connections`` in total. At 64–256 concurrent Exstream calls that made the consumer spend
10–15 ms of CPU per call, capping a process near 90 calls/s (docs/consumer-runtime.md, Benchmark). Here an
idle connection is popped from a per-origin LIFO stack and checked alone; a released one is pushed back.

Limits: HTTP/1.1 only, no proxies; each response body is read completely before it is returned (Exstream
replies are bounded documents), so ``client.stream(...)`` buffers. Requests beyond ``max_connections`` wait
(``pool`` timeout, then :class:`httpx.PoolTimeout`); bcx's own per-endpoint semaphores normally keep them
from getting that far.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import Callable

import httpx

from bcx.exstream.connection import Http11Connection

Origin = tuple[str, str, int]


def origin_of(url: httpx.URL) -> Origin:
    port = url.port or (443 if url.scheme == "https" else 80)
    return url.scheme, url.host, port


class PooledTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        *,
        max_connections: int,
        keepalive_expiry_s: float = 5.0,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self._max = max_connections
        self._expiry_s = keepalive_expiry_s
        self._ssl = ssl_context or httpx.create_ssl_context()
        self._clock = clock
        self._idle: dict[Origin, deque[Http11Connection]] = {}
        self._open = 0  # connections that exist, idle or busy: each holds one of max_connections slots
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._closed = False

    @property
    def max_connections(self) -> int:
        return self._max

    @property
    def open_connections(self) -> int:
        return self._open

    @property
    def idle_connections(self) -> int:
        return sum(len(stack) for stack in self._idle.values())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {request.url.scheme!r}", request=request)
        timeouts = request.extensions.get("timeout", {})
        origin = origin_of(request.url)
        connection = self._take_idle(origin)
        if connection is None:
            connection = await self._connect(origin, request, timeouts.get("pool"), timeouts.get("connect"))
        try:
            response = await connection.exchange(
                request, write_timeout_s=timeouts.get("write"), read_timeout_s=timeouts.get("read")
            )
        except BaseException:
            await self._discard(connection)
            raise
        if self._closed or not connection.reusable():
            await self._discard(connection)
        else:
            connection.idle_since = self._clock()
            self._idle.setdefault(origin, deque()).append(connection)
            self._wake_one()
        return response

    def _take_idle(self, origin: Origin) -> Http11Connection | None:
        stack = self._idle.get(origin)
        now = self._clock()
        while stack:
            connection = stack.pop()  # most recently used: the least likely to have been closed by the server
            if connection.reusable() and now - connection.idle_since < self._expiry_s:
                self._expire_oldest(stack, now)
                return connection
            self._forget(connection)
        return None

    def _expire_oldest(self, stack: deque[Http11Connection], now: float) -> None:
        # Oldest sit at the left; dropping them here keeps the stack bounded by recent demand, in O(expired).
        while stack and now - stack[0].idle_since >= self._expiry_s:
            self._forget(stack.popleft())

    async def _connect(
        self,
        origin: Origin,
        request: httpx.Request,
        pool_timeout: float | None,
        connect_timeout: float | None,
    ) -> Http11Connection:
        try:
            async with asyncio.timeout(pool_timeout):
                while True:
                    reused = self._take_idle(origin)
                    if reused is not None:
                        return reused
                    if self._open < self._max or self._evict_idle():
                        break
                    await self._wait_for_slot()
        except TimeoutError as exc:
            raise httpx.PoolTimeout("no connection free within the pool timeout", request=request) from exc
        self._open += 1
        try:
            return await Http11Connection.open(
                origin, ssl_context=self._ssl, timeout_s=connect_timeout, request=request
            )
        except BaseException:
            self._open -= 1
            self._wake_one()
            raise

    async def _wait_for_slot(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self._wake_one()  # woken and cancelled at once: pass the wake-up on
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def _evict_idle(self) -> bool:
        """Close one idle connection (any origin) to make room; False when none is idle."""
        for stack in self._idle.values():
            if stack:
                self._forget(stack.popleft())
                return True
        return False

    def _forget(self, connection: Http11Connection) -> None:
        self._open -= 1
        task = asyncio.get_running_loop().create_task(connection.aclose())
        task.add_done_callback(_ignore_result)
        self._wake_one()

    async def _discard(self, connection: Http11Connection) -> None:
        self._open -= 1
        self._wake_one()
        await connection.aclose()

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def aclose(self) -> None:
        self._closed = True
        idle = [c for stack in self._idle.values() for c in stack]
        self._idle.clear()
        self._open -= len(idle)
        await asyncio.gather(*(c.aclose() for c in idle), return_exceptions=True)


def _ignore_result(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not log "exception was never retrieved"
