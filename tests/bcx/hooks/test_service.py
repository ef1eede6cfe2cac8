"""Applying a plan when BigCommerce refuses one of the requests."""

from __future__ import annotations

import json

import httpx
from pydantic import SecretStr

from bcx.bigcommerce.client import BigCommerceClient
from bcx.hooks.plan import ActionKind, Endpoint
from bcx.hooks.render import sync_text
from bcx.hooks.service import sync_store
from tests.bcx.bigcommerce.fakes import STORE, FakeClock, settings

SECRET = "service-secret-77"
ENDPOINT = Endpoint(
    "https://hooks.example.com/webhooks/bigcommerce", "X-Bcx-Webhook-Secret", SecretStr(SECRET)
)


class TestPartialFailure:
    async def test_a_refused_create_is_reported_and_the_others_still_run(self) -> None:
        """A 422 on one create marks that action failed without its message, and the other create is done."""
        created: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            if request.method == "GET":
                meta = {"pagination": {"total": 0, "count": 0, "current_page": 1, "total_pages": 1}}
                return httpx.Response(200, json={"data": [], "meta": meta})
            body = json.loads(request.content)
            if body["scope"] == "store/company/created":
                return httpx.Response(422, json={"title": f"refused {body['headers']}", "status": 422})
            created.append(body["scope"])
            return httpx.Response(200, json={"data": {"id": len(created), **body}, "meta": {}})

        clock = FakeClock()
        client = BigCommerceClient(
            settings(), transport=httpx.MockTransport(handler), clock=clock, sleep=clock.sleep
        )
        wanted = {
            "store/company/created": ("account-statements",),
            "store/order/created": ("order-documents",),
        }
        async with client:
            result = await sync_store(client, STORE, wanted, ENDPOINT)
        assert created == ["store/order/created"]
        assert result.failed
        outcomes = {action.scope: (action.kind, outcome) for action, outcome in result.results}
        assert outcomes == {
            "store/company/created": (ActionKind.CREATE, "failed: ClientError 422"),
            "store/order/created": (ActionKind.CREATE, "done"),
        }
        text = sync_text(STORE, result.results, dry_run=False)
        assert "1 FAILED" in text
        assert SECRET not in text
