"""Simulator-only admin endpoints under ``/_sim`` (no BigCommerce equivalent; no auth, loopback use).

- ``GET /_sim/health``; ``GET /_sim/stats`` request counts per store and route (API calls per event);
- ``GET|PUT /_sim/faults`` and ``GET|PUT /_sim/rate-limit`` change fault injection and budgets at runtime;
- ``POST /_sim/stores/{hash}/rate-limit/reset`` refills a store's budgets;
- ``POST /_sim/stores/{hash}/carts/{cart_id}/abandon`` ages a cart and returns its abandoned-cart token;
- ``POST /_sim/stores/{hash}/hooks/{id}/deactivate`` marks a hook deactivated (as after 48 h of failures);
- ``PUT /_sim/stores/{hash}/blocked-domains`` sets what ``/v3/hooks/admin`` reports as blocklisted.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.bigcommerce import mutations
from simulators.bigcommerce.config import FaultConfig, RateLimitConfig
from simulators.bigcommerce.gateway import GatewayState
from simulators.bigcommerce.paging import error, json_body, not_found, store_of


def _gateway(request: Request) -> GatewayState:
    gateway: GatewayState = request.app.state.sim.gateway
    return gateway


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "stores": sorted(request.app.state.sim.stores)})


async def stats(request: Request) -> Response:
    gateway = _gateway(request)
    with gateway.lock:
        counts = dict(gateway.requests)
    stores: dict[str, dict[str, Any]] = {}
    for key, count in counts.items():
        store_hash, route = key.split("|", 1)
        entry = stores.setdefault(store_hash, {"requests": 0, "rate_limited": 0, "by_route": {}})
        if route == "429":
            entry["rate_limited"] += count
        else:
            entry["requests"] += count
            entry["by_route"][route] = count
    return JSONResponse({"stores": stores})


async def faults(request: Request) -> Response:
    gateway = _gateway(request)
    if request.method == "PUT":
        try:
            gateway.faults = FaultConfig.model_validate(await json_body(request))
        except ValidationError as exc:
            return error(422, "invalid faults", detail=exc.errors(include_url=False, include_context=False))
    return JSONResponse(gateway.faults.model_dump())


async def rate_limit(request: Request) -> Response:
    gateway = _gateway(request)
    if request.method == "PUT":
        try:
            gateway.rate_limit = RateLimitConfig.model_validate(await json_body(request))
        except ValidationError as exc:
            return error(
                422, "invalid rate limit", detail=exc.errors(include_url=False, include_context=False)
            )
        gateway.reset_windows()
    return JSONResponse(gateway.rate_limit.model_dump())


async def reset_rate_limit(request: Request) -> Response:
    store = store_of(request)
    gateway = _gateway(request)
    with gateway.lock:
        for key in [k for k in gateway.windows if k[0] == store.store_hash]:
            del gateway.windows[key]
    return Response(status_code=204)


async def abandon(request: Request) -> Response:
    store = store_of(request)
    with store.lock:
        token = mutations.abandon_cart(store, request.path_params["cart_id"])
    return (
        JSONResponse({"cart_id": request.path_params["cart_id"], "token": token})
        if token
        else not_found("cart")
    )


async def deactivate_hook(request: Request) -> Response:
    store = store_of(request)
    hook_id = request.path_params["hook_id"]
    with store.lock:
        hook = store.hooks.get(hook_id)
        if hook is None:
            return not_found("hook")
        store.hooks[hook_id] = dict(hook, is_active=False)
        store.deactivated_hooks.add(hook_id)
    return Response(status_code=204)


async def blocked_domains(request: Request) -> Response:
    store = store_of(request)
    body = await json_body(request)
    if not isinstance(body, list):
        return error(422, "body must be a list of {destination, time_left, reasons}")
    with store.lock:
        store.blocked_domains = body
    return Response(status_code=204)


ROUTES = [
    Route("/health", health, methods=["GET"]),
    Route("/stats", stats, methods=["GET"]),
    Route("/faults", faults, methods=["GET", "PUT"]),
    Route("/rate-limit", rate_limit, methods=["GET", "PUT"]),
    Route("/stores/{store_hash}/rate-limit/reset", reset_rate_limit, methods=["POST"]),
    Route("/stores/{store_hash}/carts/{cart_id}/abandon", abandon, methods=["POST"]),
    Route("/stores/{store_hash}/hooks/{hook_id:int}/deactivate", deactivate_hook, methods=["POST"]),
    Route("/stores/{store_hash}/blocked-domains", blocked_domains, methods=["PUT"]),
]
