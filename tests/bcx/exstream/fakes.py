"""Helpers for Exstream client unit tests: a settable clock and a MockTransport-backed client."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import SecretStr

from bcx.exstream.client import ExstreamClient
from bcx.exstream.settings import ExstreamSettings

BASE = "http://exstream.test"


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def settings(**overrides: Any) -> ExstreamSettings:
    values: dict[str, Any] = {
        "base_url": BASE,
        "token_url": f"{BASE}/otdsws/oauth2/token",
        "client_id": "bcx",
        "client_secret": SecretStr("s3cret"),
        "domain": "dom",
        "breaker_failure_threshold": 3,
    }
    values.update(overrides)
    return ExstreamSettings(**values)


def token_reply(request: httpx.Request, counter: list[int], expires_in: int = 100) -> httpx.Response:
    counter.append(1)
    return httpx.Response(
        200, json={"access_token": f"tok-{len(counter)}", "token_type": "Bearer", "expires_in": expires_in}
    )


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock | None = None, **overrides: Any
) -> ExstreamClient:
    transport = httpx.MockTransport(handler)
    return ExstreamClient(
        settings(**overrides), http_client=httpx.AsyncClient(transport=transport), clock=clock or FakeClock()
    )


def envelope(*outputs: tuple[bytes, str, str]) -> dict[str, Any]:
    import base64

    return {
        "status": "success",
        "data": [
            {
                "content": base64.b64encode(content).decode(),
                "mimeType": mime,
                "engineOutputContext": {"queueName": "Q", "fileName": name, "customerNumber": "1"},
            }
            for content, mime, name in outputs
        ],
    }


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)
