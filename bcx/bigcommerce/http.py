"""The one place bcx sends HTTP to BigCommerce: auth, budgets, concurrency, retries, error translation.

``BigCommerceHttp.request`` takes a store, an API (``v2``, ``v3``, ``b2b``, ``b2b_ip``), a method and a path
relative to that API's base. Per store it holds a concurrency cap, the REST :class:`StoreBudget` and the B2B
:class:`WindowBudget`. A 429 waits for the reset the server announced (bounded), then repeats; 5xx and
transport failures are retried with exponential backoff and full jitter for idempotent methods (a POST is
repeated only when it certainly never reached the server, or on 429, which BigCommerce does not process);
other 4xx fail at once. httpx exceptions never leave this module.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from bcx.bigcommerce.errors import (
    AuthError,
    BigCommerceError,
    ClientError,
    InvalidResponse,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
)
from bcx.bigcommerce.ratelimit import StoreBudget, WindowBudget, backoff_delay
from bcx.bigcommerce.settings import BigCommerceSettings
from bcx.logging import get_logger

Api = Literal["v2", "v3", "b2b", "b2b_ip"]

_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
#: 429s tolerated for one call before giving up (each waits for a full reset).
MAX_RATE_LIMIT_RETRIES = 10

log = get_logger(__name__)


@dataclass(frozen=True)
class ApiResponse:
    """A successful answer: status, parsed JSON body (``None`` for 204 or an empty body) and headers."""

    status: int
    body: Any
    headers: Mapping[str, str]


@dataclass
class _StoreState:
    semaphore: asyncio.Semaphore
    rest: StoreBudget
    b2b: WindowBudget
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class BigCommerceHttp:
    """Async HTTP to BigCommerce REST v2/v3 and B2B Edition, per-store rate limited."""

    def __init__(
        self,
        settings: BigCommerceSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._sleep = sleep
        self._jitter = jitter
        timeout = httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s)
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": settings.user_agent},
        )
        self._stores: dict[str, _StoreState] = {}

    @property
    def settings(self) -> BigCommerceSettings:
        return self._settings

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> BigCommerceHttp:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    def _state(self, store_hash: str) -> _StoreState:
        state = self._stores.get(store_hash)
        if state is None:
            s = self._settings
            state = _StoreState(
                semaphore=asyncio.Semaphore(s.concurrency_per_store),
                rest=StoreBudget(reserve=s.reserve_requests),
                b2b=WindowBudget(limit=s.b2b_requests_per_window, window_s=s.b2b_window_s),
            )
            self._stores[store_hash] = state
        return state

    def _url_and_headers(self, store_hash: str, api: Api, path: str) -> tuple[str, dict[str, str]]:
        creds = self._settings.credentials(store_hash)
        headers = {"X-Auth-Token": creds.access_token.get_secret_value()}
        if api in ("v2", "v3"):
            # the REST specs require it even on some reads (GET /v2/orders/{id}/products); harmless elsewhere
            headers["Content-Type"] = "application/json"
            return self._settings.rest_base(store_hash, api) + path, headers
        headers["X-Store-Hash"] = store_hash
        return self._settings.b2b_base(invoice_portal=api == "b2b_ip") + path, headers

    async def _wait_for_budget(self, state: _StoreState, api: Api) -> None:
        budget = state.rest if api in ("v2", "v3") else state.b2b
        while True:
            async with state.lock:
                wait = budget.acquire(self._clock())
            if wait <= 0:
                return
            await self._sleep(min(wait, self._settings.retry.max_rate_limit_wait_s))

    async def request(
        self,
        store_hash: str,
        api: Api,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        resource: str | None = None,
        resource_id: object = None,
    ) -> ApiResponse:
        """Send one logical request (with retries); ``resource``/``resource_id`` label a 404 as NotFound."""
        method = method.upper()
        url, headers = self._url_and_headers(store_hash, api, path)
        state = self._state(store_hash)
        retry = self._settings.retry
        failures = 0
        rate_limited = 0
        coords: dict[str, Any] = {"store_hash": store_hash, "method": method, "path": path}
        while True:
            started = self._clock()
            async with state.semaphore:
                await self._wait_for_budget(state, api)
                try:
                    response = await self._client.request(
                        method, url, params=params, json=json, headers=headers
                    )
                except httpx.HTTPError as exc:
                    error: BigCommerceError = TransportError(
                        f"{method} {path} on store {store_hash}: {type(exc).__name__}", **coords
                    )
                    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                    retryable = method in _IDEMPOTENT or never_sent
                    response = None
                    error.__cause__ = exc
            if response is not None:
                outcome = self._handle(state, api, response, coords, resource, resource_id)
                log.debug(
                    "bigcommerce.request",
                    api=api,
                    status=response.status_code,
                    attempt=failures + rate_limited + 1,
                    duration_ms=round((self._clock() - started) * 1000, 1),
                    **coords,
                )
                if isinstance(outcome, ApiResponse):
                    return outcome
                error = outcome
                if isinstance(error, RateLimited):
                    rate_limited += 1
                    if rate_limited > MAX_RATE_LIMIT_RETRIES:
                        raise error
                    log.warning("bigcommerce.rate_limited", wait_s=error.reset_after_s, api=api, **coords)
                    await self._sleep(min(error.reset_after_s, retry.max_rate_limit_wait_s))
                    continue
                retryable = isinstance(error, ServerError) and method in _IDEMPOTENT
            failures += 1
            if not retryable or failures >= retry.max_attempts:
                raise error
            delay = backoff_delay(
                failures - 1, base_s=retry.base_delay_s, cap_s=retry.max_delay_s, jitter=self._jitter()
            )
            log.warning(
                "bigcommerce.retry", error=type(error).__name__, attempt=failures, delay_s=delay, **coords
            )
            await self._sleep(delay)

    def _handle(
        self,
        state: _StoreState,
        api: Api,
        response: httpx.Response,
        coords: dict[str, Any],
        resource: str | None,
        resource_id: object,
    ) -> ApiResponse | BigCommerceError:
        now = self._clock()
        budget = state.rest if api in ("v2", "v3") else state.b2b
        status = response.status_code
        where = f"{coords['method']} {coords['path']} on store {coords['store_hash']}"
        if status == 429:
            wait = budget.rate_limited(response.headers, now)
            return RateLimited(f"{where}: rate limited", reset_after_s=wait, status=status, **coords)
        budget.observe(response.headers, now)
        if 200 <= status < 300:
            if status == 204 or not response.content:
                return ApiResponse(status, None, response.headers)
            try:
                body = response.json()
            except ValueError as exc:
                raise InvalidResponse(f"{where}: body is not JSON", status=status, **coords) from exc
            return ApiResponse(status, body, response.headers)
        if status >= 500:
            return ServerError(f"{where}: HTTP {status}", status=status, **coords)
        if status in (401, 403):
            return AuthError(f"{where}: HTTP {status}", status=status, **coords)
        if status == 404:
            rid = None if resource_id is None else str(resource_id)
            label = f"{resource} {rid}" if resource else "resource"
            return NotFound(
                f"{where}: {label} not found", resource=resource, resource_id=rid, status=status, **coords
            )
        details: Any
        try:
            details = response.json()
        except ValueError:
            details = None
        return ClientError(f"{where}: HTTP {status}", details=details, status=status, **coords)
