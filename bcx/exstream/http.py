"""The one place bcx sends HTTP to Exstream: auth, breaker, concurrency limit, error translation.

Layers, outermost first: per-endpoint semaphore (bounded in-flight calls) → per-endpoint circuit breaker
→ bearer token (one retry with a fresh token after 401, and after 500 when configured, because the SDK
notes an expired token can surface as 500) → one httpx request whose exceptions become
:mod:`bcx.exstream.errors`. Each call logs one canonical line without bodies, headers or tokens; with
:class:`~bcx.exstream.metrics.ExstreamMetrics`, each HTTP request sent (a 401 retry is a second one) and each
call the open breaker refused is observed by operation and status, and the breakers' states are exported.
"""

from __future__ import annotations

import asyncio
import functools
import json as jsonlib
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from bcx.exstream.auth import OtdsTokenProvider
from bcx.exstream.breaker import BreakerState, CircuitBreaker
from bcx.exstream.classify import classify_status, counts_against_breaker
from bcx.exstream.errors import (
    CircuitOpenError,
    ExstreamAuthError,
    ExstreamError,
    ExstreamTimeoutError,
    ExstreamUnavailableError,
    OutcomeUnknownError,
)
from bcx.exstream.metrics import CIRCUIT_OPEN, ExstreamMetrics, status_class, transport_status
from bcx.exstream.settings import ExstreamSettings
from bcx.logging import get_logger

log = get_logger(__name__)

ENDPOINTS = ("generate", "batch", "runtime")
URL_CACHE_SIZE = 256


def translate_transport_error(
    exc: httpx.TransportError, *, idempotent: bool, operation: str
) -> ExstreamError:
    """An httpx failure as bcx's error: was the request possibly processed?"""
    name = type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return ExstreamTimeoutError(f"{operation}: {name} before sending")
    if isinstance(exc, httpx.ConnectError):
        return ExstreamUnavailableError(f"{operation}: cannot connect ({name})")
    if idempotent:
        if isinstance(exc, httpx.TimeoutException):
            return ExstreamTimeoutError(f"{operation}: {name}")
        return ExstreamUnavailableError(f"{operation}: {name}")
    return OutcomeUnknownError(f"{operation}: {name} after the request was sent")


def _json_or_none(response: httpx.Response) -> Any:
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        return jsonlib.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None


class ExstreamHttp:
    def __init__(
        self,
        settings: ExstreamSettings,
        http: httpx.AsyncClient,
        tokens: OtdsTokenProvider,
        clock: Callable[[], float],
        metrics: ExstreamMetrics | None = None,
    ) -> None:
        self._settings = settings
        self._http = http
        self._tokens = tokens
        self._clock = clock
        self._metrics = metrics
        self._timeouts: dict[float, httpx.Timeout] = {}
        self._urls: dict[str, httpx.URL] = {}
        self._semaphores = {e: asyncio.Semaphore(settings.max_concurrency) for e in ENDPOINTS}
        self.breakers = {
            e: CircuitBreaker(
                failure_threshold=settings.breaker_failure_threshold,
                reset_timeout_s=settings.breaker_reset_timeout_s,
                half_open_max_calls=settings.breaker_half_open_max_calls,
            )
            for e in ENDPOINTS
        }
        if metrics is not None:
            for endpoint, breaker in self.breakers.items():
                metrics.watch_circuit(endpoint, functools.partial(self._peek, breaker))

    def _peek(self, breaker: CircuitBreaker) -> BreakerState:
        return breaker.peek(self._clock())

    async def request(
        self,
        endpoint: str,
        method: str,
        path: str,
        *,
        operation: str,
        idempotent: bool,
        timeout_s: float,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Send and return a 2xx response, or raise the classified :class:`ExstreamError`."""
        async with self._semaphores[endpoint]:
            breaker = self.breakers[endpoint]
            if not breaker.try_acquire(self._clock()):
                if self._metrics is not None:
                    self._metrics.request(operation, CIRCUIT_OPEN, 0.0)
                raise CircuitOpenError(
                    f"{operation}: circuit open, retry in {breaker.retry_in(self._clock()):.1f}s"
                )
            started = self._clock()
            status: int | None = None
            error: ExstreamError | None = None
            try:
                response = await self._send_authorized(
                    method,
                    self._url(path),
                    operation=operation,
                    idempotent=idempotent,
                    timeout_s=timeout_s,
                    headers=headers,
                    params=params,
                    content=content,
                )
                status = response.status_code
                if not 200 <= status < 300:
                    # Only error replies are read here; a 2xx body is decoded once, by the caller.
                    error = classify_status(
                        status,
                        headers=response.headers,
                        body=_json_or_none(response),
                        idempotent=idempotent,
                        operation=operation,
                    )
            except ExstreamError as exc:
                error = exc
                status = exc.status_code
            except BaseException:
                breaker.release(self._clock())
                raise
            finally:
                # per call: at debug when it went well (the record's canonical line says how long
                # Exstream took; a line per call cost ~6 % of a consumer's CPU), at info when it failed
                (log.debug if error is None else log.info)(
                    "exstream.request",
                    operation=operation,
                    status=status,
                    outcome="ok" if error is None else type(error).__name__,
                    duration_ms=round((self._clock() - started) * 1000, 1),
                )
            if counts_against_breaker(error):
                breaker.record_failure(self._clock())
            else:
                breaker.record_success(self._clock())
            if error is not None:
                raise error
            return response

    async def _send_authorized(
        self, method: str, url: httpx.URL, *, operation: str, idempotent: bool, **kwargs: Any
    ) -> httpx.Response:
        token = await self._tokens.token()
        response = await self._send(method, url, token, operation=operation, idempotent=idempotent, **kwargs)
        stale = response.status_code == 401 or (
            response.status_code == 500 and self._settings.retry_500_with_fresh_token
        )
        if not stale:
            return response
        self._tokens.invalidate(token)
        token = await self._tokens.token()
        response = await self._send(method, url, token, operation=operation, idempotent=idempotent, **kwargs)
        if response.status_code == 401:
            raise ExstreamAuthError(f"{operation}: token refused after refresh", status_code=401)
        return response

    async def _send(
        self,
        method: str,
        url: httpx.URL,
        token: str,
        *,
        operation: str,
        idempotent: bool,
        timeout_s: float,
        headers: Mapping[str, str] | None,
        params: Mapping[str, str | int] | None,
        content: bytes | None,
    ) -> httpx.Response:
        all_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        timeout = self._timeout(timeout_s)
        started = self._clock()
        try:
            response = await self._http.request(
                method, url, headers=all_headers, params=params, content=content, timeout=timeout
            )
        except httpx.TransportError as exc:
            self._observe(operation, transport_status(exc), started)
            raise translate_transport_error(exc, idempotent=idempotent, operation=operation) from exc
        self._observe(operation, status_class(response.status_code), started)
        return response

    def _url(self, path: str) -> httpx.URL:
        # Parsing the URL was ~6 % of a call's CPU; paths repeat (one per operation and domain), job-specific
        # ones are bounded by clearing the cache when it fills.
        url = self._urls.get(path)
        if url is None:
            if len(self._urls) >= URL_CACHE_SIZE:
                self._urls.clear()
            url = self._urls[path] = httpx.URL(self._settings.orchestration_url(path))
        return url

    def _timeout(self, timeout_s: float) -> httpx.Timeout:
        timeout = self._timeouts.get(timeout_s)
        if timeout is None:
            timeout = self._timeouts[timeout_s] = httpx.Timeout(
                timeout_s, connect=self._settings.connect_timeout_s
            )
        return timeout

    def _observe(self, operation: str, status: str, started: float) -> None:
        if self._metrics is not None:
            self._metrics.request(operation, status, self._clock() - started)
