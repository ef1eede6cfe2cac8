"""An in-process simulator behind the real client, a recording publisher, and an Enricher wired to them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import SecretStr
from starlette.applications import Starlette

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.settings import BigCommerceSettings, RetrySettings, StoreCredentials
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.metrics import new_registry
from producers.enricher.api_calls import CountingTransport
from producers.enricher.enricher import Enricher
from producers.enricher.metrics import EnricherMetrics
from simulators.bigcommerce.app import create_app
from simulators.bigcommerce.config import SimulatorConfig

STORE = "simstore1"
BASE = "http://sim.test"


@dataclass
class RecordingPublisher:
    records: list[SnapshotEnvelope] = field(default_factory=list)
    fail: Exception | None = None

    async def publish(self, record: SnapshotEnvelope) -> None:
        if self.fail is not None:
            raise self.fail
        self.records.append(record)


DEV_TOKEN = "sim-access-token"


def client_settings(base_url: str = BASE, token: str = DEV_TOKEN) -> BigCommerceSettings:
    return BigCommerceSettings(
        api_base_url=base_url,
        b2b_base_url=base_url,
        stores=(StoreCredentials(store_hash=STORE, access_token=SecretStr(token)),),
        retry=RetrySettings(max_attempts=2, base_delay_s=0.01, max_delay_s=0.05),
    )


async def no_sleep(_seconds: float) -> None:
    return None


#: rewrites a JSON response body: ``(request path, body) → body``
BodyEdit = Callable[[str, Any], Any]


class EditingTransport(httpx.AsyncBaseTransport):
    """The simulator's answers with their JSON bodies passed through ``edit`` (what BigCommerce may send)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, edit: BodyEdit) -> None:
        self._inner = inner
        self._edit = edit

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if not response.headers.get("content-type", "").startswith("application/json"):
            return response
        body = json.loads(await response.aread())
        edited = json.dumps(self._edit(request.url.path, body)).encode()
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        return httpx.Response(response.status_code, headers=headers, content=edited)


@dataclass
class Rig:
    app: Starlette
    client: BigCommerceClient
    publisher: RecordingPublisher
    metrics: EnricherMetrics
    enricher: Enricher
    sleeps: list[float]


async def rig(
    config: SimulatorConfig | None = None,
    *,
    token: str = DEV_TOKEN,
    inner: httpx.AsyncBaseTransport | None = None,
    edit: BodyEdit | None = None,
) -> AsyncIterator[Rig]:
    app = create_app(config or SimulatorConfig(orders=60))
    metrics = EnricherMetrics(new_registry())
    simulator = inner or httpx.ASGITransport(app=app)
    transport = CountingTransport(EditingTransport(simulator, edit) if edit else simulator)
    client = BigCommerceClient(
        client_settings(token=token), transport=transport, sleep=no_sleep, on_coercion=metrics.coerced
    )
    sleeps: list[float] = []

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    publisher = RecordingPublisher()
    enricher = Enricher(client, publisher, metrics, sleep=record_sleep)
    try:
        yield Rig(app, client, publisher, metrics, enricher, sleeps)
    finally:
        await client.aclose()


async def sim_request(app: Starlette, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A direct call to the simulator (a merchant's change), outside the enricher's counted client."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
        return await http.request(method, path, headers={"X-Auth-Token": "sim-access-token"}, **kwargs)


async def order_reads(r: Rig, order_id: int) -> int:
    """Requests one read of the order costs: eight, seven when nothing has shipped (no shipment listing)."""
    order = await r.client.get_order_only(STORE, order_id)
    return 8 if order.items_shipped else 7
