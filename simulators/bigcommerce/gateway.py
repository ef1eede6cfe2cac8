"""What sits in front of every simulated API call: auth, per-store rate limits, faults, statistics.

REST (``/stores/{hash}/v2|v3``) spends the store's budget and answers with BigCommerce's
``X-Rate-Limit-*`` headers, or 429 when spent; B2B (``/api/v3/io``) has its own per-minute window with
``X-Requests-*`` headers. Faults (latency, 500s, hangs that end in 504) are drawn from a seeded generator.
"""

from __future__ import annotations

import asyncio
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from simulators.bigcommerce.config import FaultConfig, RateLimitConfig

_REST = re.compile(r"^/stores/(?P<hash>[^/]+)/v[23]/")
_NUMBER = re.compile(r"/\d+(?=/|$)")


@dataclass
class FixedWindow:
    """``quota`` requests per ``window_s``; ``take`` answers (allowed, left, seconds to reset)."""

    quota: int
    window_s: float
    start: float = 0.0
    used: int = 0

    def take(self, now: float) -> tuple[bool, int, float]:
        if now >= self.start + self.window_s:
            self.start, self.used = now, 0
        reset = self.start + self.window_s - now
        if self.used >= self.quota:
            return False, 0, reset
        self.used += 1
        return True, self.quota - self.used, reset


@dataclass
class GatewayState:
    """Mutable at runtime through ``/_sim``: rate limits, faults; plus counters for benchmarks."""

    access_token: str
    rate_limit: RateLimitConfig
    faults: FaultConfig
    rng: random.Random
    clock: Callable[[], float] = time.monotonic
    windows: dict[tuple[str, str], FixedWindow] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def window(self, store_hash: str, kind: str) -> FixedWindow:
        key = (store_hash, kind)
        if key not in self.windows:
            if kind == "rest":
                self.windows[key] = FixedWindow(self.rate_limit.quota, self.rate_limit.window_ms / 1000)
            else:
                self.windows[key] = FixedWindow(
                    self.rate_limit.b2b_quota, float(self.rate_limit.b2b_window_s)
                )
        return self.windows[key]

    def reset_windows(self) -> None:
        with self.lock:
            self.windows.clear()


def _unauthorized() -> JSONResponse:
    return JSONResponse(
        {"status": 401, "title": "You are not authorized", "type": "", "errors": {}}, status_code=401
    )


class Gateway(BaseHTTPMiddleware):
    """Starlette middleware applying :class:`GatewayState` to API paths (not to ``/_sim``)."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        rest = _REST.match(path)
        b2b = path.startswith("/api/v3/io/")
        if not rest and not b2b:
            return await call_next(request)
        gateway: GatewayState = request.app.state.sim.gateway
        token = request.headers.get("x-auth-token") or request.headers.get("authtoken")
        if token != gateway.access_token:
            return _unauthorized()
        store_hash = rest.group("hash") if rest else request.headers.get("x-store-hash", "")
        kind = "rest" if rest else "b2b"
        route_key = (
            f"{request.method} {_NUMBER.sub('/{id}', path.split(store_hash, 1)[-1] if rest else path)}"
        )
        with gateway.lock:
            gateway.requests[f"{store_hash}|{route_key}"] += 1
            quota = gateway.rate_limit.quota if rest else gateway.rate_limit.b2b_quota
            allowed, left, reset = (True, quota, 0.0)
            if quota > 0:
                allowed, left, reset = gateway.window(store_hash, kind).take(gateway.clock())
            if not allowed:
                gateway.requests[f"{store_hash}|429"] += 1
            faults = gateway.faults
            draw = gateway.rng.random()
        headers = self._limit_headers(kind, gateway, left, reset)
        if not allowed:
            body = {"status": 429, "title": "Too many requests", "type": "", "errors": {}}
            if kind == "rest":
                headers["X-Retry-After"] = str(max(1, round(reset)))
            return JSONResponse(body, status_code=429, headers=headers)
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if draw < faults.timeout_rate:
            await asyncio.sleep(faults.timeout_s)
            return JSONResponse({"status": 504, "title": "Gateway Timeout"}, status_code=504, headers=headers)
        if draw < faults.timeout_rate + faults.error_rate:
            return JSONResponse(
                {"status": 500, "title": "Internal Server Error"}, status_code=500, headers=headers
            )
        response = await call_next(request)
        response.headers.update(headers)
        return response

    @staticmethod
    def _limit_headers(kind: str, gateway: GatewayState, left: int, reset: float) -> dict[str, str]:
        limits = gateway.rate_limit
        if kind == "rest":
            if limits.quota <= 0:
                return {}
            return {
                "X-Rate-Limit-Time-Window-Ms": str(limits.window_ms),
                "X-Rate-Limit-Time-Reset-Ms": str(int(reset * 1000)),
                "X-Rate-Limit-Requests-Quota": str(limits.quota),
                "X-Rate-Limit-Requests-Left": str(left),
            }
        if limits.b2b_quota <= 0:
            return {}
        return {
            "X-Requests-Allocated": f"{limits.b2b_quota} times/{limits.b2b_window_s} s",
            "X-Requests-Remaining": str(left),
            "X-Requests-Window-Length": str(limits.b2b_window_s),
            "X-Request-Window-Resets-After": str(max(0, round(reset))),
        }
