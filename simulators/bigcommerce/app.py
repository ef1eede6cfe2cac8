"""The simulator's Starlette application: routes mounted where BigCommerce serves them.

- ``/stores/{store_hash}/v2/...`` and ``/stores/{store_hash}/v3/...`` (REST; ``X-Auth-Token``);
- ``/api/v3/io/...`` and ``/api/v3/io/ip/...`` (B2B Edition; ``X-Auth-Token`` + ``X-Store-Hash``);
- ``/_sim/...`` simulator-only admin (see :mod:`simulators.bigcommerce.routes_sim`).

Point ``BigCommerceSettings.api_base_url`` and ``b2b_base_url`` at the simulator's base URL.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount

from simulators.bigcommerce import (
    routes_admin,
    routes_b2b,
    routes_catalog,
    routes_checkout,
    routes_customers,
    routes_orders,
    routes_sim,
)
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.gateway import Gateway, GatewayState
from simulators.bigcommerce.state import StoreState


@dataclass
class SimState:
    config: SimulatorConfig
    stores: dict[str, StoreState]
    gateway: GatewayState


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse(
        {"status": exc.status_code, "title": exc.detail, "type": "", "errors": {}},
        status_code=exc.status_code,
    )


def create_app(
    config: SimulatorConfig | None = None,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    monotonic: Callable[[], float] = time.monotonic,
) -> Starlette:
    """A fresh simulator app; ``clock`` stamps runtime changes, ``monotonic`` drives the rate windows."""
    config = config or SimulatorConfig()
    stores = {h: StoreState(config, h, clock) for h in config.store_hashes}
    gateway = GatewayState(
        access_token=config.access_token,
        rate_limit=config.rate_limit,
        faults=config.faults,
        rng=random.Random(config.seed),
        clock=monotonic,
    )
    v2 = routes_orders.V2_ROUTES + routes_customers.V2_ROUTES + routes_admin.V2_ROUTES
    v3 = (
        routes_orders.V3_ROUTES
        + routes_customers.V3_ROUTES
        + routes_catalog.V3_ROUTES
        + routes_admin.V3_ROUTES
        + routes_checkout.V3_ROUTES
    )
    app = Starlette(
        routes=[
            Mount("/stores/{store_hash}/v2", routes=v2),
            Mount("/stores/{store_hash}/v3", routes=v3),
            Mount("/api/v3/io/ip", routes=routes_b2b.IP_ROUTES),
            Mount("/api/v3/io", routes=routes_b2b.IO_ROUTES),
            Mount("/_sim", routes=routes_sim.ROUTES),
        ],
        middleware=[Middleware(Gateway)],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.sim = SimState(config=config, stores=stores, gateway=gateway)
    return app
