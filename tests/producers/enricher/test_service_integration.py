"""The enricher end to end: real Kafka and registry, the simulator over real HTTP, the consumer runtime."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.models.common import parse_bc_datetime
from bcx.contracts.commerce_accounts import AccountSnapshotRecord
from bcx.contracts.commerce_carts import CartSnapshotRecord
from bcx.contracts.commerce_customers import CustomerSnapshotRecord
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.commerce_refunds import RefundSnapshotRecord
from bcx.contracts.webhook_event import WebhookEvent
from bcx.settings import KafkaSettings, RegistrySettings
from simulators.bigcommerce.config import RateLimitConfig, SimulatorConfig
from simulators.bigcommerce.server import RunningSimulator, start_simulator
from simulators.bigcommerce.webhooks.scenarios import SCENARIOS, ScenarioContext
from tests.producers.enricher.events import event
from tests.producers.enricher.running import Running, run, running_enricher
from tests.producers.enricher.support import DEV_TOKEN, STORE
from tests.support.kafka import consume, count

pytestmark = pytest.mark.integration


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with start_simulator(SimulatorConfig(orders=120, seed=7)) as running:
        yield running


@pytest.fixture
def enricher(
    sim: RunningSimulator,
    kafka_settings: KafkaSettings,
    registry_settings: RegistrySettings,
    registry: Any,
    new_topic: Any,
) -> Iterator[Running]:
    with running_enricher(sim, kafka_settings, registry_settings, registry, new_topic) as running:
        yield running


def _scenario_events(sim: RunningSimulator, settings: Any, names: list[str]) -> list[WebhookEvent]:
    """Run simulator scenarios (real changes over HTTP) and return the callbacks they cause as events."""

    async def go() -> list[WebhookEvent]:
        events: list[WebhookEvent] = []
        async with (
            BigCommerceClient(settings.bigcommerce) as client,
            httpx.AsyncClient(base_url=sim.base_url) as admin,
        ):
            ctx = ScenarioContext(client=client, store_hash=STORE, sim_admin=admin, rng=random.Random(3))
            for name in names:
                async for step in SCENARIOS[name](ctx):
                    events += [event(scope, data) for scope, data in step]
        return events

    result: list[WebhookEvent] = run(go())
    return result


def _sim_call(sim: RunningSimulator, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"X-Auth-Token": DEV_TOKEN}
    return httpx.request(method, f"{sim.base_url}{path}", headers=headers, timeout=10, **kwargs)


class TestWebhookToSnapshot:
    def test_every_entity_type(self, sim: RunningSimulator, enricher: Running) -> None:
        """Order life, refund, abandoned cart, new customer, price change and a B2B company: snapshots."""
        names = ["order-lifecycle", "refund", "abandoned-cart", "new-customer", "price-change"]
        events = _scenario_events(sim, enricher.settings, names)
        events.append(event("store/company/updated", {"company_id": 1}))
        enricher.send(events)
        for entity in ("order", "refund", "cart", "customer", "product", "company"):
            assert enricher.snapshots(entity, 1), f"no {entity} snapshot"
        orders = enricher.snapshots("order", 2)
        completed = [
            o for o in orders if isinstance(o, OrderSnapshotRecord) and o.order and o.order.status_id == 10
        ]
        assert completed, "the order life's last state (Completed) was published"
        (refund,) = enricher.snapshots("refund", 1)
        assert isinstance(refund, RefundSnapshotRecord)
        assert refund.refund is not None
        assert refund.trigger.scope == "store/order/refund/created"
        carts = enricher.snapshots("cart", 2)
        assert any(isinstance(c, CartSnapshotRecord) and c.abandoned and c.cart for c in carts)
        (company,) = enricher.snapshots("company", 1)
        assert isinstance(company, AccountSnapshotRecord)
        assert company.company is not None
        assert company.trigger.source_topic == enricher.input_topic
        assert count(enricher.kafka, enricher.dlq_topic, settle=1.0) == 0

    def test_superseded_and_duplicate_events_skipped(self, sim: RunningSimulator, enricher: Running) -> None:
        """A redelivered event and an event older than the published version publish nothing more."""
        first = event("store/order/updated", {"type": "order", "id": 21}, event_id="msg_once")
        enricher.send([first])
        (published,) = enricher.snapshots("order", 1)
        assert published.date_modified is not None
        older = event(
            "store/order/statusUpdated",
            {"type": "order", "id": 21, "status": {"previous_status_id": 0, "new_status_id": 1}},
            created_at=published.date_modified - timedelta(minutes=5),
        )
        enricher.send([first, older, first])
        marker = event("store/order/updated", {"type": "order", "id": 22})
        enricher.send([marker])
        assert len(enricher.snapshots("order", 2)) == 2
        keys = [s.key for s in enricher.snapshots("order", 3, timeout=5)]
        assert keys.count(f"{STORE}:order:21") == 1

    def test_deleted_resources(self, sim: RunningSimulator, enricher: Running) -> None:
        """Resources deleted before their event is read become explicit deleted snapshots."""
        assert (
            _sim_call(sim, "DELETE", f"/stores/{STORE}/v3/customers", params={"id:in": "9"}).status_code
            == 204
        )
        assert _sim_call(sim, "DELETE", f"/stores/{STORE}/v2/orders/30").status_code == 204
        enricher.send(
            [
                event("store/customer/deleted", {"type": "customer", "id": 9}),
                event("store/order/archived", {"type": "order", "id": 30}),
            ]
        )
        (customer,) = enricher.snapshots("customer", 1)
        assert isinstance(customer, CustomerSnapshotRecord)
        assert customer.deleted
        assert customer.customer is None
        (order,) = enricher.snapshots("order", 1)
        assert order.deleted
        assert order.key == f"{STORE}:order:30"

    def test_unenrichable_event_goes_to_dlq(self, sim: RunningSimulator, enricher: Running) -> None:
        """An event for an unknown store is dead-lettered with its error context; later ones flow."""
        enricher.send([event("store/order/created", {"type": "order", "id": 1}, store_hash="nostore")])
        enricher.send([event("store/order/created", {"type": "order", "id": 2})])
        (dead,) = consume(enricher.kafka, enricher.dlq_topic, 1)
        headers = {k: v.decode() for k, v in dead.headers() or []}
        assert any("config.unknown_store" in v for v in headers.values())
        assert enricher.snapshots("order", 1)


class TestRateLimits:
    def test_429_storm_loses_nothing(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        new_topic: Any,
    ) -> None:
        """With a tiny quota shared with another busy app, every event still yields its snapshot, no DLQ."""
        config = SimulatorConfig(orders=80, seed=11, rate_limit=RateLimitConfig(quota=25, window_ms=1000))
        with start_simulator(config) as sim:
            stop = threading.Event()

            def other_app() -> None:
                with httpx.Client(base_url=sim.base_url, headers={"X-Auth-Token": DEV_TOKEN}) as http:
                    while not stop.is_set():
                        http.get(f"/stores/{STORE}/v2/store")
                        time.sleep(0.05)

            noisy = threading.Thread(target=other_app, daemon=True)
            noisy.start()
            try:
                with running_enricher(
                    sim, kafka_settings, registry_settings, registry, new_topic
                ) as enricher:
                    order_ids = list(range(40, 60))
                    enricher.send(
                        [event("store/order/updated", {"type": "order", "id": n}) for n in order_ids]
                    )
                    snapshots = enricher.snapshots("order", len(order_ids), timeout=120)
                    assert sorted(int(s.entity_id) for s in snapshots) == order_ids
                    assert count(kafka_settings, enricher.dlq_topic, settle=1.0) == 0
            finally:
                stop.set()
                noisy.join(5)
            stats = httpx.get(f"{sim.base_url}/_sim/stats").json()["stores"][STORE]
            assert stats["rate_limited"] > 0, "the storm produced 429s"


class TestReconcile:
    def test_reconcile_fills_a_gap(self, sim: RunningSimulator, enricher: Running) -> None:
        """Changes whose webhooks were lost are found by reconcile and enriched into snapshots."""
        from bcx_app.cli.reconcile_cmd import ReconcileSettings, run_reconcile

        since = datetime.now(UTC) - timedelta(seconds=2)
        changed = {}
        for order_id, status in ((61, 5), (62, 10), (63, 12)):
            response = _sim_call(
                sim, "PUT", f"/stores/{STORE}/v2/orders/{order_id}", json={"status_id": status}
            )
            assert response.status_code == 200
            changed[order_id] = (status, parse_bc_datetime(response.json()["date_modified"]))
        settings = ReconcileSettings(
            kafka=enricher.kafka,
            bigcommerce=enricher.settings.bigcommerce,
            input_topic=enricher.input_topic,
        )
        counts = run(
            run_reconcile(settings, STORE, since, entities=frozenset({"orders"}), registry=enricher.registry)
        )
        assert counts == {"orders": 3}
        again = run(
            run_reconcile(settings, STORE, since, entities=frozenset({"orders"}), registry=enricher.registry)
        )
        assert again == {"orders": 3}
        snapshots = enricher.snapshots("order", 3)
        found = {int(s.entity_id): s for s in snapshots if isinstance(s, OrderSnapshotRecord)}
        assert set(found) == set(changed)
        for order_id, (status, _when) in changed.items():
            record = found[order_id]
            assert record.order is not None
            assert record.order.status_id == status
            assert record.trigger.reconciliation
        assert len(enricher.snapshots("order", 4, timeout=5)) == 3, (
            "re-running reconcile published nothing new"
        )
