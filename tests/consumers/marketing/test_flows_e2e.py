"""Retention and catalogs through the real broker and the Exstream simulator: every marketing document
kind once, consent withdrawn while a campaign runs, and one frequency cap counted across both flows."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bcx.contracts.commerce_products import Product, ProductSnapshotRecord
from bcx.settings import KafkaSettings, RegistrySettings
from consumers.marketing.campaign import load_campaign
from consumers.marketing.policy import load_policy
from consumers.marketing.runs import campaign_requests, plan, sweep_requests
from routing import idempotency_key
from simulators.exstream.config import SimulatorConfig as ExstreamSimulatorConfig
from simulators.exstream.server import running_simulator
from tests.consumers.marketing import factories as f
from tests.consumers.marketing.pipeline import POLICY_YAML, MarketingPipeline, now_minus

pytestmark = pytest.mark.integration

CAMPAIGN = """
name: e2e-catalog
document_type: product_catalog
channel: print
run_id: e2e-1
audience:
  - {field: loyalty_tier, in: [Catalog]}
products: {from_customer_categories: true, categories: [9], max_items: 4, promotion: E2E}
"""


@pytest.fixture
def pipeline(
    kafka_settings: KafkaSettings, registry_settings: RegistrySettings, registry: Any, tmp_path: Path
) -> Iterator[MarketingPipeline]:
    (tmp_path / "marketing.yaml").write_text(POLICY_YAML, encoding="utf-8")
    policy = load_policy(tmp_path / "marketing.yaml")
    with running_simulator(ExstreamSimulatorConfig(port=0, outbox=tmp_path / "outbox")) as exstream:
        yield MarketingPipeline(kafka_settings, registry_settings, registry, exstream, tmp_path, policy)


def key(use_case: str, entity_type: str, entity_id: object, document_type: str, version: str) -> str:
    return idempotency_key(use_case, f.STORE, entity_type, str(entity_id), document_type, version)


def sale(product_id: int, price: str, sale_price: str, categories: tuple[int, ...]) -> ProductSnapshotRecord:
    snap = f.product(product_id, price, categories=categories)
    assert snap.product is not None
    product = Product(**{**snap.product.model_dump(), "sale_price": Decimal(sale_price)})
    return snap.model_copy(update={"product": product})


class TestMarketingFlows:
    def test_every_kind_withdrawal_mid_campaign_and_caps_across_flows(
        self, pipeline: MarketingPipeline
    ) -> None:
        """Each retention letter and the print catalog go once; a withdrawn or capped customer gets none."""
        now = datetime.now(UTC)
        day = 24.0
        pipeline.fold(
            [
                f.customer(1),
                f.cart("cart-1", 1, at=now_minus(now, hours=30)),
                *(
                    f.customer(2),
                    *(
                        f.order(20 + i, 2, at=now_minus(now, days=40 + 30 * i), products=((21, (2,)),))
                        for i in range(3)
                    ),
                ),
                f.customer(3),
                f.order(30, 3, at=now_minus(now, days=200), products=((31, (3,)),)),
                f.customer(4),
                f.order(40, 4, at=now_minus(now, days=10), products=((11, (5,)),)),
                f.customer(5, group="Catalog"),
                f.order(50, 5, at=now_minus(now, days=10), products=((12, (9,)),)),
                f.customer(7, group="Catalog"),
                f.customer(8, group="Catalog"),
                f.cart("cart-8", 8, at=now_minus(now, hours=2 * day)),
            ]
        )
        catalog_products = [f.product(60 + i, "10", categories=(9,)) for i in range(3)]
        pipeline.snapshots(catalog_products)

        # retention: BigCommerce's abandoned events, the sweeps (as the CronJobs run them), a price drop
        pipeline.snapshots(
            [
                f.cart("cart-1", 1, at=now_minus(now, hours=30)),
                f.cart("cart-8", 8, at=now_minus(now, hours=48)),
            ]
        )
        profiles = [p for p in pipeline.profiles.values() if p]
        triggers = [
            r
            for s in ("abandoned-carts", "replenishment", "win-back")
            for r in sweep_requests(s, profiles, pipeline.policy, now)
        ]
        pipeline.publish(pipeline.topics["triggers"], triggers)
        pipeline.snapshots([sale(11, "100", "80", (5,))])
        pipeline.run("retention", [pipeline.topics[t] for t in ("cart", "product", "triggers")])

        # catalogs: the run is published, then customer 7 withdraws consent, then the flow processes it
        (pipeline.tmp / "campaigns").mkdir()
        (pipeline.tmp / "campaigns" / "e2e-catalog.yaml").write_text(CAMPAIGN, encoding="utf-8")
        campaign = load_campaign("e2e-catalog", pipeline.tmp / "campaigns")
        by_key = {p.key: p for p in profiles}
        planned = plan(campaign, profiles, lambda _k: None, pipeline.policy, now)
        assert sorted(v.customer_id for v in planned.audience) == [5, 7, 8]
        products = [*catalog_products, sale(11, "100", "80", (5,))]
        pipeline.publish(
            pipeline.topics["requests"], campaign_requests(campaign, planned, by_key, products, now)
        )
        pipeline.fold([f.customer(7, at=now, group="Catalog", marketing=False)])
        pipeline.run("catalogs", [pipeline.topics["requests"]])

        expected = {
            key("retention", "cart", "cart-1", "abandoned_cart_reminder", "1"),
            key("retention", "cart", "cart-1", "abandoned_cart_second_reminder", "1"),
            key("retention", "customer", 2, "replenishment_reminder", "20"),
            key("retention", "customer", 3, "win_back_offer", "30"),
            key("retention", "customer", 4, "price_drop_brochure", "11@80"),
            key("catalogs", "customer", 5, "product_catalog", "e2e-1"),
            key("retention", "cart", "cart-8", "abandoned_cart_reminder", "1"),
            key("retention", "cart", "cart-8", "abandoned_cart_second_reminder", "1"),
        }
        assert {k: pipeline.produced(k) for k in expected} == dict.fromkeys(expected, 1)
        assert len(pipeline.exstream.simulator.documents()) == len(expected)
        contacts = pipeline.contacts()
        assert 7 not in contacts  # withdrew consent after the run was published: nothing
        assert contacts[8] == ["abandoned_cart_reminder", "abandoned_cart_second_reminder"]  # capped
        assert contacts[5] == ["product_catalog"]

        rows = list((pipeline.config.output_dir / "e2e-catalog" / "e2e-1" / "rows").glob("*.csv"))
        assert len(rows) == 1
        (row,) = csv.reader(rows[0].read_text(encoding="utf-8").splitlines())
        assert "78701" in row
        assert row[1] == key("catalogs", "customer", 5, "product_catalog", "e2e-1")


class TestCampaignCommands:
    def test_plan_prints_audience_and_reasons(
        self, pipeline: MarketingPipeline, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`bcx campaigns plan` reads the profiles and prints sizes, out-reasons and why, per customer."""
        from bcx_app.cli.main import main

        pipeline.fold(
            [f.customer(5, group="Catalog"), f.customer(6, group="Catalog", marketing=False), f.customer(9)]
        )
        (pipeline.tmp / "campaigns").mkdir()
        (pipeline.tmp / "campaigns" / "e2e-catalog.yaml").write_text(CAMPAIGN, encoding="utf-8")
        env = {
            "BCX_KAFKA__BOOTSTRAP_SERVERS": pipeline.kafka.bootstrap_servers,
            "BCX_REGISTRY__URL": pipeline.registry_settings.url,
            "BCX_MARKETING__PROFILES_TOPIC": pipeline.profiles_topic,
            "BCX_MARKETING__CONTACTS_TOPIC": pipeline.contacts_topic,
            "BCX_MARKETING__CAMPAIGNS_DIR": str(pipeline.tmp / "campaigns"),
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert main(["campaigns", "plan", "e2e-catalog", "--sample", "5"]) == 0
        out = capsys.readouterr().out
        assert "profiles 3  audience 2  deliverable now 1" in out
        assert "out: no_marketing_consent  1" in out
        assert "loyalty_tier='Retail' fails in ['Catalog']" in out
