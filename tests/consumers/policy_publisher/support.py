"""Both simulators on loopback ports and a publisher wired to them, with publications collected in memory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.settings import BigCommerceSettings, StoreCredentials
from bcx.contracts.policy_document import PolicyDocument
from bcx.contracts.policy_publication import PolicyPublication
from bcx.exstream.settings import ExstreamSettings
from consumers.policy_publisher.catalogue import Catalogue, load_catalogue
from consumers.policy_publisher.history import History
from simulators.bigcommerce.config import SimulatorConfig as BcConfig
from simulators.bigcommerce.server import RunningSimulator as BcSim
from simulators.bigcommerce.server import start_simulator
from simulators.exstream import RunningSimulator as ExSim
from simulators.exstream import SimulatorConfig as ExConfig
from simulators.exstream import running_simulator

STORE = "simstore1"
TOKEN = "sim-access-token"


@dataclass
class Sims:
    bigcommerce: BcSim
    exstream: ExSim
    catalogue: Catalogue = field(default_factory=load_catalogue)

    def bigcommerce_settings(self) -> BigCommerceSettings:
        return BigCommerceSettings(
            api_base_url=self.bigcommerce.base_url,
            b2b_base_url=self.bigcommerce.base_url,
            stores=(StoreCredentials(store_hash=STORE, access_token=SecretStr(TOKEN)),),
        )

    def exstream_settings(self) -> ExstreamSettings:
        return ExstreamSettings(
            base_url=self.exstream.base_url,
            token_url=f"{self.exstream.base_url}/otdsws/oauth2/token",
            client_id="bcx",
            client_secret=SecretStr("bcx-secret"),
            generate_timeout_s=10,
        )

    def bigcommerce_client(self) -> BigCommerceClient:
        return BigCommerceClient(self.bigcommerce_settings())

    def writes(self) -> int:
        """Page and checkout-settings writes the store received (the simulator's request counters)."""
        routes = self.stats().get("by_route", {})
        return sum(
            count
            for route, count in routes.items()
            if route.split(" ")[0] in ("POST", "PUT", "DELETE")
            and ("/content/pages" in route or "/checkouts/settings" in route)
        )

    def invoice_writes(self) -> int:
        """B2B invoice updates the store received (``PUT /invoices/{id}``)."""
        routes = self.stats().get("by_route", {})
        return sum(
            count for route, count in routes.items() if route.startswith("PUT ") and "/invoices" in route
        )

    def stats(self) -> dict[str, Any]:
        """The store's request counters (``requests``, ``rate_limited``, ``by_route``)."""
        stats: dict[str, Any] = (
            httpx.get(f"{self.bigcommerce.base_url}/_sim/stats").json()["stores"].get(STORE, {})
        )
        return stats

    def set_state(self, communication_id: str, state: str) -> None:
        headers = {"Authorization": f"Bearer {self._token()}"}
        url = f"{self.exstream.base_url}/design/api/v1/resources/default/{communication_id}"
        if state == "NEW-DRAFT":
            assert httpx.put(url, json={"edit": 1}, headers=headers).status_code == 200
            return
        assert httpx.put(f"{url}/state", json={"state": state}, headers=headers).status_code == 200

    def _token(self) -> str:
        reply = httpx.post(
            f"{self.exstream.base_url}/otdsws/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": "bcx", "client_secret": "bcx-secret"},
        )
        token: str = reply.json()["access_token"]
        return token


@contextmanager
def simulators(tmp_path: Path, config: BcConfig | None = None) -> Iterator[Sims]:
    bigcommerce = start_simulator(config or BcConfig(orders=5, customers=5, companies=1))
    try:
        with running_simulator(ExConfig(port=0, outbox=tmp_path / "outbox")) as exstream:
            yield Sims(bigcommerce, exstream)
    finally:
        bigcommerce.stop()


class Collector:
    """``emit`` for a Publisher: keeps every publication and feeds the history like the topic would."""

    def __init__(self, history: History) -> None:
        self.history = history
        self.publications: list[PolicyPublication] = []

    async def __call__(self, publication: PolicyPublication) -> None:
        self.publications.append(publication)
        self.history.add_publication(publication)

    def actions(self) -> list[str]:
        return [p.action.value for p in self.publications]


def remember(history: History, *documents: PolicyDocument) -> None:
    for document in documents:
        history.add_document(document)
