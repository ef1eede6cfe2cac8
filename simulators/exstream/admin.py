"""OTDS token endpoints and the simulator-only ``/_sim`` endpoints (inspection, faults, tokens, reset).

``/_sim/*`` does not exist on real Exstream; it lets tests count documents per idempotency key and switch
faults on and off while the simulator runs.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from simulators.exstream.config import FaultConfig
from simulators.exstream.simulator import Simulator


def _oauth_error(error: str, description: str, status: int) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


async def token(sim: Simulator, request: Request) -> Response:
    """``client_credentials`` grant, form-encoded (SDK) or JSON (Postman gateway form)."""
    sim.state.count("token_requests")
    raw = await request.body()
    content_type = request.headers.get("content-type", "")
    fields: dict[str, Any]
    try:
        fields = json.loads(raw) if "json" in content_type else dict(parse_qsl(raw.decode()))
    except (ValueError, UnicodeDecodeError):
        return _oauth_error("invalid_request", "unreadable body", 400)
    if not isinstance(fields, dict):
        return _oauth_error("invalid_request", "body must be an object", 400)
    if fields.get("grant_type") != "client_credentials":
        return _oauth_error("unsupported_grant_type", "only client_credentials is simulated", 400)
    client_id, secret = fields.get("client_id"), fields.get("client_secret")
    known = sim.config.clients.get(str(client_id)) if client_id is not None else None
    if not sim.config.accept_any_client and (known is None or known != secret):
        return _oauth_error("invalid_client", "client authentication failed", 401)
    ttl = sim.config.token_ttl_s
    advertised = sim.config.advertised_ttl_s or ttl
    body = {
        "access_token": sim.state.issue_token(ttl),
        "token_type": "Bearer",
        "expires_in": int(advertised),
    }
    if isinstance(fields.get("scope"), str):
        body["scope"] = fields["scope"]
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def documents(sim: Simulator, request: Request) -> Response:
    reference = request.query_params.get("reference")
    communication_id = request.query_params.get("communicationId")
    found = sim.state.documents(reference=reference, communication_id=communication_id)
    return JSONResponse(
        {"simulatorOnly": True, "count": len(found), "documents": [d.to_json() for d in found]}
    )


async def faults(sim: Simulator, request: Request) -> Response:
    """GET shows the active faults; PUT merges a partial FaultConfig (``{}`` keeps everything)."""
    if request.method == "PUT":
        try:
            patch = json.loads(await request.body() or b"{}")
            current = sim.faults.model_dump()
            if isinstance(patch.get("latency"), dict):
                patch["latency"] = {**current["latency"], **patch["latency"]}
            sim.set_faults(FaultConfig.model_validate({**current, **patch}))
        except (ValueError, AttributeError, ValidationError) as exc:
            return JSONResponse({"error": str(exc)[:500]}, status_code=400)
    return JSONResponse(sim.faults.model_dump(mode="json"))


async def clear_faults(sim: Simulator, request: Request) -> Response:
    sim.set_faults(FaultConfig())
    return JSONResponse(sim.faults.model_dump(mode="json"))


async def expire_tokens(sim: Simulator, request: Request) -> Response:
    return JSONResponse({"expired": sim.expire_tokens()})


async def reset(sim: Simulator, request: Request) -> Response:
    sim.state.reset()
    sim.set_faults(sim.config.faults)
    return JSONResponse({"reset": True})


async def stats(sim: Simulator, request: Request) -> Response:
    return JSONResponse(dict(sim.state.stats))


async def health(sim: Simulator, request: Request) -> Response:
    return JSONResponse({"status": "UP", "templates": sim.registry.ids(), "benchmark": sim.config.benchmark})
