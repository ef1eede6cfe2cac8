"""The client sends every header the official specs mark as required on the reads bcx makes."""

from __future__ import annotations

import functools
import re
from typing import Any

import httpx
import yaml

from simulators.bigcommerce.app import create_app
from simulators.bigcommerce.config import SimulatorConfig
from tests.simulators.bigcommerce.support import BASE, STORE, client_for
from tests.support.required import reference

#: the spec files behind each API prefix bcx calls
SPECS = {
    "v2": ("orders.v2.oas2.yml", "customers.v2.yml", "store_information.v2.yml"),
    "v3": (
        "orders.v3.yml",
        "customers.v3.yml",
        "carts.v3.yml",
        "products_catalog.v3.yml",
        "product-variants_catalog.v3.yml",
        "price_lists.v3.yml",
    ),
}


@functools.cache
def _operations(api: str) -> list[tuple[re.Pattern[str], set[str]]]:
    """(path regex, required header names) for every GET of the ``api`` specs."""
    found = []
    for name in SPECS[api]:
        doc: Any = yaml.safe_load(reference("bigcommerce", name).read_text())
        shared = (doc.get("components") or {}).get("parameters") or {}
        for template, operations in doc["paths"].items():
            get = operations.get("get")
            if get is None:
                continue
            required = set()
            for param in [*operations.get("parameters", []), *get.get("parameters", [])]:
                param = shared.get(param["$ref"].split("/")[-1], {}) if "$ref" in param else param
                if param.get("in") == "header" and param.get("required"):
                    required.add(param["name"].lower())
            pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
            found.append((re.compile(pattern), required))
    return found


class Recorder(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


class TestRequiredHeaders:
    async def test_every_read_carries_the_headers_its_spec_requires(self) -> None:
        """Order (incl. GET /v2/orders/{id}/products, which requires Content-Type), customer, cart,
        product and store reads each send the headers their operation declares required."""
        app = create_app(SimulatorConfig(orders=5))
        client = client_for(app)
        recorder = Recorder(client.http._client._transport)  # the simulator behind the client
        client.http._client._transport = recorder
        async with client:
            await client.get_order(STORE, 1)
            await client.get_customer(STORE, 1)
            await client.get_product(STORE, 1)
            await client.get_store_information(STORE)
            await client.get_product_categories(STORE, [1, 2])
        prefix = f"{BASE}/stores/{STORE}/"
        checked = 0
        for request in recorder.requests:
            api, _, path = str(request.url.copy_with(query=None)).removeprefix(prefix).partition("/")
            matches = [required for pattern, required in _operations(api) if pattern.match("/" + path)]
            assert matches, f"no spec operation for GET /{api}/{path}"
            missing = matches[0] - {name.lower() for name in request.headers}
            assert not missing, f"GET /{api}/{path} lacks {missing}"
            checked += 1
        assert checked >= 10
        assert any(
            r.url.path.endswith("/products") and "content-type" in r.headers for r in recorder.requests
        )
