"""Test doubles for the BigCommerce HTTP layer: a clock whose sleep advances time, settings for one store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from pydantic import SecretStr

from bcx.bigcommerce.http import BigCommerceHttp
from bcx.bigcommerce.settings import BigCommerceSettings, RetrySettings, StoreCredentials

STORE = "abc123"
TOKEN = "token-xyz"


class FakeClock:
    """Monotonic time that only moves when code sleeps; remembers every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def settings(**overrides: Any) -> BigCommerceSettings:
    values: dict[str, Any] = {
        "api_base_url": "https://bc.test",
        "b2b_base_url": "https://b2b.test",
        "stores": (StoreCredentials(store_hash=STORE, access_token=SecretStr(TOKEN)),),
        "retry": RetrySettings(max_attempts=3, base_delay_s=1.0, max_delay_s=8.0),
        "reserve_requests": 0,
    }
    values.update(overrides)
    return BigCommerceSettings(**values)


def http_with(handler: Callable[[httpx.Request], Any], clock: FakeClock, **overrides: Any) -> BigCommerceHttp:
    return BigCommerceHttp(
        settings(**overrides),
        transport=httpx.MockTransport(handler),
        clock=clock,
        sleep=clock.sleep,
        jitter=lambda: 0.5,
    )
