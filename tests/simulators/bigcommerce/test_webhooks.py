"""The webhook sender posts official-shape, signed callbacks for scenarios that really changed the store."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import httpx
import pytest

from bcx.bigcommerce.models import WebhookCallback
from bcx.bigcommerce.signing import encode_secret, verify
from simulators.bigcommerce.app import create_app
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.server import start_simulator
from simulators.bigcommerce.webhooks.scenarios import SCENARIOS, ScenarioContext
from simulators.bigcommerce.webhooks.sender import SendOptions, WebhookSender, run_scenarios
from tests.simulators.bigcommerce.support import STORE, admin_for, client_for
from tests.support.required import reference

SECRET = "app-client-secret"


class Receiver:
    """A destination that records every delivery (raw body and headers) and answers 200."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[bytes, httpx.Headers]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.deliveries.append((request.content, request.headers))
        return httpx.Response(200)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for body, _ in self.deliveries]


def run_with(names: list[str], options: SendOptions, receiver: Receiver, seed: int = 1) -> tuple[Any, Any]:
    app = create_app(SimulatorConfig(orders=50))

    async def scenario() -> Any:
        sender = WebhookSender(
            "https://bridge.test/webhooks",
            store_id=1000001,
            store_hash=STORE,
            client_secret=SECRET,
            secret_header=("X-Bcx-Webhook-Secret", "s3cret"),
            transport=httpx.MockTransport(receiver),
        )
        async with client_for(app) as client, admin_for(app) as admin:
            ctx = ScenarioContext(client, STORE, admin, random.Random(seed))
            try:
                return await run_scenarios(names, ctx, sender, options)
            finally:
                await sender.aclose()

    return asyncio.run(scenario()), app


class TestDeliveries:
    def test_callbacks_have_the_official_shape_secret_header_and_valid_signature(self) -> None:
        """Each delivery has the official example keys, the custom header and a verifiable signature."""
        receiver = Receiver()
        run_with(["order-lifecycle"], SendOptions(), receiver)
        official = json.loads(
            reference("bigcommerce", "webhook-callbacks", "store_order_created.json").read_text()
        )
        for body, headers in receiver.deliveries:
            payload = json.loads(body)
            assert set(payload) == set(official)
            assert payload["producer"] == f"stores/{STORE}"
            assert headers["x-bcx-webhook-secret"] == "s3cret"
            assert (
                verify(encode_secret(SECRET), headers, body, now=payload["created_at"])
                == headers["webhook-id"]
            )
            WebhookCallback.model_validate(payload)

    def test_order_lifecycle_follows_the_orders_real_changes(self) -> None:
        """Created → 0→11 → shipment and 11→2 → 2→10, and the store ends Completed and shipped."""
        receiver = Receiver()
        _, app = run_with(["order-lifecycle"], SendOptions(), receiver)
        bodies = receiver.bodies()
        transitions = [
            (b["data"]["status"]["previous_status_id"], b["data"]["status"]["new_status_id"])
            for b in bodies
            if b["scope"] == "store/order/statusUpdated"
        ]
        assert bodies[0]["scope"] == "store/order/created"
        assert transitions == [(0, 11), (11, 2), (2, 10)]
        shipment = next(b for b in bodies if b["scope"] == "store/shipment/created")
        record = app.state.sim.stores[STORE].order_record(shipment["data"]["orderId"])
        assert record["order"]["status_id"] == 10
        assert record["shipments"][0]["id"] == shipment["data"]["id"]

    @pytest.mark.parametrize(
        ("name", "scope"),
        [
            ("refund", "store/order/refund/created"),
            ("fraud-review", "store/order/statusUpdated"),
            ("cancellation", "store/order/statusUpdated"),
            ("abandoned-cart", "store/cart/abandoned"),
            ("new-customer", "store/customer/created"),
            ("price-change", "store/product/updated"),
            ("policy-hand-edit", "store/channel/1/settings/checkout/updated"),
        ],
    )
    def test_each_scenario_sends_its_defining_callback(self, name: str, scope: str) -> None:
        """Every scenario emits the scope that defines it, each delivered with 200."""
        receiver = Receiver()
        report, _ = run_with([name], SendOptions(), receiver)
        assert scope in report.scopes
        assert report.by_status == {"200": len(report.results)}

    def test_refund_callback_points_at_a_readable_refund(self) -> None:
        """The refund id in store/order/refund/created is the one the refunds API returns."""
        receiver = Receiver()
        _, app = run_with(["refund"], SendOptions(), receiver)
        body = next(b for b in receiver.bodies() if b["scope"] == "store/order/refund/created")
        refund = app.state.sim.stores[STORE].find_refund(body["data"]["refund"]["refund_id"])
        assert refund is not None
        assert refund["order_id"] == body["data"]["id"]

    def test_fraud_review_passes_through_manual_verification(self) -> None:
        """The fraud review holds the order in status 12 before releasing it."""
        receiver = Receiver()
        run_with(["fraud-review"], SendOptions(), receiver)
        statuses = [
            b["data"]["status"] for b in receiver.bodies() if b["scope"] == "store/order/statusUpdated"
        ]
        assert statuses == [
            {"previous_status_id": 0, "new_status_id": 12},
            {"previous_status_id": 12, "new_status_id": 11},
        ]


class TestOptions:
    def test_duplicates_resend_the_same_body_and_webhook_id(self) -> None:
        """With duplicates=1 every callback arrives twice with identical body, hash and webhook-id."""
        receiver = Receiver()
        run_with(["new-customer"], SendOptions(duplicates=1.0), receiver)
        (first, h1), (second, h2) = receiver.deliveries
        assert first == second
        assert h1["webhook-id"] == h2["webhook-id"]

    def test_reorder_shuffles_the_run(self) -> None:
        """With reorder the same callbacks arrive, just not in causal order."""
        ordered, shuffled = Receiver(), Receiver()
        run_with(["order-lifecycle"], SendOptions(), ordered, seed=3)
        run_with(["order-lifecycle"], SendOptions(reorder=True), shuffled, seed=3)
        scopes = [b["scope"] for b in ordered.bodies()]
        reordered = [b["scope"] for b in shuffled.bodies()]
        assert sorted(scopes) == sorted(reordered)
        assert scopes != reordered

    def test_burst_runs_scenarios_concurrently_on_distinct_orders(self) -> None:
        """burst=5 creates five different orders, each with its own created callback."""
        receiver = Receiver()
        run_with(["cancellation"], SendOptions(burst=5), receiver)
        created = {b["data"]["id"] for b in receiver.bodies() if b["scope"] == "store/order/created"}
        assert len(created) == 5

    def test_unknown_scenario_is_refused(self) -> None:
        """Asking for a scenario that does not exist fails before anything is sent."""
        with pytest.raises(ValueError, match="unknown scenarios"):
            run_with(["nope"], SendOptions(), Receiver())

    def test_every_scenario_is_listed(self) -> None:
        """The CLI's scenario names cover the documented set."""
        documented = (
            "order-lifecycle refund fraud-review cancellation abandoned-cart new-customer price-change"
            " policy-hand-edit"
        )
        assert set(SCENARIOS) == set(documented.split())


class TestServerHelper:
    def test_start_helper_serves_on_a_free_port_and_stops(self) -> None:
        """start_simulator returns a base URL that answers, and stop() ends the server thread."""
        with start_simulator(SimulatorConfig(orders=5)) as sim:
            response = httpx.get(f"{sim.base_url}/_sim/health")
            assert response.json()["stores"] == ["simstore1"]
        assert not sim._thread.is_alive()


class TestDeterminism:
    def test_same_seed_same_store(self) -> None:
        """Two simulators with one seed serve identical orders; another seed differs."""

        def order(seed: int) -> Any:
            return create_app(SimulatorConfig(seed=seed)).state.sim.stores[STORE].order_record(42)

        assert order(1) == order(1)
        assert order(1) != order(2)

    def test_large_store_is_generated_lazily(self) -> None:
        """A 200k-order store starts without generating orders and serves its last one."""
        store = create_app(SimulatorConfig(orders=200_000)).state.sim.stores[STORE]
        assert store.orders == {}
        assert store.order_record(200_000) is not None
        assert store.order_record(200_001) is None


def test_reference_callbacks_exist() -> None:
    """The official callback examples the shape test relies on are present."""
    assert reference("bigcommerce", "webhook-callbacks", "store_order_created.json").is_file()
