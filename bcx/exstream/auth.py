"""OTDS OAuth2 client-credentials tokens for Exstream, cached and refreshed before they expire.

One :class:`OtdsTokenProvider` per client; concurrent callers share one in-flight token request (a lock),
and a token Exstream refused is invalidated only if it is still the cached one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from bcx.exstream.errors import (
    ExstreamAuthError,
    ExstreamRequestError,
    ExstreamTimeoutError,
    ExstreamUnavailableError,
    InvalidResponseError,
)
from bcx.exstream.metrics import ExstreamMetrics, status_class, transport_status
from bcx.exstream.settings import ExstreamSettings
from bcx.exstream.token_cache import AccessToken, TokenCache, parse_token_response
from bcx.logging import get_logger

log = get_logger(__name__)


def token_request_body(settings: ExstreamSettings) -> dict[str, str]:
    """The client-credentials grant fields (the SDK sends them form-encoded; the PM gateway form as JSON)."""
    body = {
        "grant_type": "client_credentials",
        "client_id": settings.client_id,
        "client_secret": settings.client_secret.get_secret_value(),
    }
    if settings.scope:
        body["scope"] = settings.scope
    return body


class OtdsTokenProvider:
    def __init__(
        self,
        settings: ExstreamSettings,
        http: httpx.AsyncClient,
        clock: Callable[[], float],
        metrics: ExstreamMetrics | None = None,
    ) -> None:
        self._settings = settings
        self._http = http
        self._clock = clock
        self._metrics = metrics
        self._cache = TokenCache(settings.token_refresh_ratio)
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    async def token(self) -> str:
        """A bearer token that is fresh now, fetching one from OTDS when needed."""
        cached = self._cache.current(self._clock())
        if cached is not None:
            return cached.value
        async with self._lock:
            cached = self._cache.current(self._clock())
            if cached is not None:
                return cached.value
            fresh = await self._fetch()
            self._cache.put(fresh)
            return fresh.value

    def invalidate(self, value: str) -> None:
        self._cache.invalidate(value)

    async def _fetch(self) -> AccessToken:
        settings = self._settings
        body = token_request_body(settings)
        as_json = settings.token_request_format == "json"  # noqa: S105 (a format name)
        kwargs: dict[str, Any] = {"json": body} if as_json else {"data": body}
        timeout = httpx.Timeout(settings.token_timeout_s, connect=settings.connect_timeout_s)
        started = self._clock()
        try:
            response = await self._http.post(
                settings.resolved_token_url(),
                headers={"Accept": "application/json"},
                timeout=timeout,
                **kwargs,
            )
        except httpx.TransportError as exc:
            self._observe(transport_status(exc), started)
            if isinstance(exc, httpx.TimeoutException):
                raise ExstreamTimeoutError("OTDS token request timed out") from exc
            raise ExstreamUnavailableError(f"OTDS unreachable: {type(exc).__name__}") from exc
        self.fetch_count += 1
        status = response.status_code
        self._observe(status_class(status), started)
        if status in (400, 401, 403):
            # OAuth2 answers invalid_client/invalid_grant as 400/401: the credentials are wrong.
            raise ExstreamAuthError(
                f"OTDS refused the client credentials (HTTP {status})", status_code=status
            )
        if status == 429 or status >= 500:
            raise ExstreamUnavailableError(f"OTDS answered HTTP {status}", status_code=status)
        if status >= 300:
            raise ExstreamRequestError(f"OTDS answered HTTP {status}", status_code=status)
        try:
            payload = response.json()
        except ValueError as exc:
            raise InvalidResponseError("OTDS token response is not JSON", status_code=status) from exc
        token = parse_token_response(payload, self._clock())
        log.info("exstream.token_fetched", expires_in_s=token.expires_in_s)
        return token

    def _observe(self, status: str, started: float) -> None:
        if self._metrics is not None:
            self._metrics.request("token", status, self._clock() - started)
