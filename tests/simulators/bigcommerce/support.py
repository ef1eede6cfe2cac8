"""Building a client wired to an in-process simulator app (httpx ASGI transport, no sockets)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from pydantic import SecretStr
from starlette.applications import Starlette

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.settings import BigCommerceSettings, RetrySettings, StoreCredentials

STORE = "simstore1"
BASE = "http://sim.test"


def client_for(
    app: Starlette,
    *,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], object] | None = None,
    **overrides: object,
) -> BigCommerceClient:
    values: dict[str, object] = {
        "api_base_url": BASE,
        "b2b_base_url": BASE,
        "stores": (StoreCredentials(store_hash=STORE, access_token=SecretStr("sim-access-token")),),
        "retry": RetrySettings(max_attempts=4, base_delay_s=0.001, max_delay_s=0.01),
    }
    values.update(overrides)
    settings = BigCommerceSettings.model_validate(values)
    kwargs: dict[str, object] = {}
    if clock is not None:
        kwargs["clock"] = clock
    if sleep is not None:
        kwargs["sleep"] = sleep
    return BigCommerceClient(settings, transport=httpx.ASGITransport(app=app), **kwargs)  # type: ignore[arg-type]


def admin_for(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)
