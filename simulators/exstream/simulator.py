"""The simulator's core object: configuration, state, templates, runtime-switchable faults, auth checks.

``Simulator`` is also the in-process handle tests use (``documents``, ``count_for``, ``set_faults``,
``expire_tokens``) — simulator-only, like the ``/_sim`` endpoints.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from simulators.exstream.config import FaultConfig, SimulatorConfig
from simulators.exstream.design import DesignStore
from simulators.exstream.engine import Engine
from simulators.exstream.faults import Decision, Fault, decide
from simulators.exstream.state import DocumentRecord, SimulatorState, iso_now
from simulators.exstream.templates import TemplateRegistry

MALFORMED_BODY = b'{"status":"success","data":[{"content":"%%not base64%%","mimeType":"application/pdf"'


def spring_error(status: int, message: str, path: str) -> JSONResponse:
    """Exstream's Spring-style error body (SDK ``ExstreamErrorResponse``)."""
    return JSONResponse(
        {
            "timestamp": iso_now(),
            "status": status,
            "error": HTTPStatus(status).phrase,
            "message": message,
            "path": path,
        },
        status_code=status,
    )


class Simulator:
    def __init__(self, config: SimulatorConfig, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self.state = SimulatorState(clock, config.max_records)
        self.registry = TemplateRegistry(config.template_dirs)
        self.engine = Engine(config, self.registry, self.state)
        self.design = DesignStore({k: (c.name, c.state) for k, c in config.communications.items()})
        self.faults = config.faults
        self._rng = random.Random(config.seed)

    # in-process accessors (simulator-only)
    def documents(self, reference: str | None = None) -> list[DocumentRecord]:
        return self.state.documents(reference=reference)

    def count_for(self, reference: str) -> int:
        return self.state.count_for(reference)

    def set_faults(self, faults: FaultConfig) -> None:
        self.faults = faults

    def expire_tokens(self) -> int:
        return self.state.expire_tokens()

    # request plumbing
    def check_token(self, request: Request) -> Response | None:
        """None when the bearer token is valid, else the reply Exstream would give."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        state = self.state.token_state(token.strip()) if scheme.lower() == "bearer" else "unknown"
        if state == "valid":
            return None
        self.state.count("rejected_tokens")
        if state == "expired" and self.config.expired_token_status == 500:
            return spring_error(500, "Internal Server Error", request.url.path)
        return JSONResponse(
            {"error": "invalid_token", "error_description": f"token {state}"},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )

    async def guarded(
        self, request: Request, kind: str, handler: Callable[[], Awaitable[Response]]
    ) -> Response:
        """Auth, then injected latency/faults, then ``handler``; ``kind`` is ``inputs`` or ``runtime``."""
        self.state.count(f"{kind}_requests")
        refused = self.check_token(request)
        if refused is not None:
            return refused
        faults = self.faults
        applies = kind == "inputs" or faults.scope == "all"
        decision = decide(faults, self._rng) if applies else Decision(0.0, Fault.NONE)
        if decision.latency_s > 0:
            await asyncio.sleep(decision.latency_s)
        if decision.fault is Fault.RATE_LIMIT:
            response: Response = spring_error(429, "Too Many Requests", request.url.path)
            response.headers["Retry-After"] = str(faults.retry_after_s)
            return response
        if decision.fault is Fault.SERVER_ERROR:
            return spring_error(faults.error_status, "Injected failure", request.url.path)
        response = await handler()
        if decision.fault is Fault.HANG:
            await asyncio.sleep(faults.hang_s)
        if decision.fault is Fault.MALFORMED and 200 <= response.status_code < 300:
            return Response(MALFORMED_BODY, status_code=response.status_code, media_type="application/json")
        return response

    def page(self, items: list[Any], request: Request) -> dict[str, Any]:
        """A Spring ``PageResponse*`` body over ``items`` using ``offset``/``count`` query parameters."""
        offset = _int(request.query_params.get("offset"), 0)
        count = max(1, _int(request.query_params.get("count"), 100))
        window = items[offset : offset + count]
        total = len(items)
        return {
            "status": "success",
            "data": window,
            "page": {
                "pageSize": count,
                "pageOffset": offset,
                "totalElements": total,
                "totalPages": (total + count - 1) // count,
                "currentPageNumber": offset // count,
            },
        }


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, int(value)) if value is not None else default
    except ValueError:
        return default


def parse_filter(raw: str | None) -> dict[str, list[str]]:
    """Orchestration's ``filter=key:v1,v2;key2:v`` query syntax."""
    result: dict[str, list[str]] = {}
    for part in (raw or "").split(";"):
        key, sep, value = part.partition(":")
        if sep and key.strip():
            result[key.strip()] = [v for v in value.split(",") if v]
    return result
