"""Webhook events → enricher → onboarding consumer → Exstream simulator, through a real broker.

Order status events (each delivered twice, shuffled) and B2B company events go onto the enricher's input
topic in two halves; the onboarding consumer is restarted after the first half, which is then replayed as
fresh events. Every shipped or completed order must end with exactly one setup guide, care guide and
warranty notice per family the rules name, every approved company with one welcome pack, and nothing else;
the stored warranty PDF's QR code must decode to its registration link. Default rules and policy.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from pypdf import PdfReader

from bcx.contracts.webhook_event import WebhookEvent
from bcx.settings import KafkaSettings, RegistrySettings
from consumers.onboarding.app import build
from consumers.onboarding.settings import OnboardingSettings
from consumers.runtime import Services, UseCase
from consumers.runtime.ledger import exstream_reference
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.server import start_simulator
from simulators.bigcommerce.state import StoreState
from simulators.exstream.config import SimulatorConfig as ExstreamSimulatorConfig
from simulators.exstream.server import RunningSimulator as RunningExstream
from simulators.exstream.server import running_simulator
from tests.consumers.support import (
    RunningConsumer,
    flow_settings,
    wait_drained,
)
from tests.producers.enricher.events import event
from tests.producers.enricher.running import Running, running_enricher
from tests.producers.enricher.support import STORE
from tests.support.pdf import stored_pdf

pytestmark = pytest.mark.integration

ORDERS = 30
COMPANIES = 6
SIM = SimulatorConfig(orders=ORDERS, seed=7, companies=COMPANIES)
FAMILIES = {21: "apparel", 22: "home", 23: "electronics", 24: "books"}
SETUP, CARE, WARRANTY = {"electronics", "home"}, {"apparel", "home", "electronics"}, {"electronics"}


def expected_from_data() -> set[str]:
    """The documents the store's data calls for (stated from the data and the rules' wording)."""
    state = StoreState(SIM, STORE, lambda: datetime.now(UTC))
    keys: set[str] = set()
    for order_id in range(1, ORDERS + 1):
        record = state.order_record(order_id)
        assert record is not None
        if record["order"]["status_id"] not in (2, 10):
            continue
        families = set()
        for line in record["products"]:
            product = state.product(line["product_id"])
            for category in product["categories"] if product else []:
                if category in FAMILIES:
                    families.add(FAMILIES[category])
                    break
        prefix = f"onboarding:{STORE}:order:{order_id}"
        for family in families:
            keys |= {f"{prefix}:setup_guide:{family}"} if family in SETUP else set()
            keys |= {f"{prefix}:care_guide:{family}"} if family in CARE else set()
            keys |= {f"{prefix}:warranty_registration:{family}"} if family in WARRANTY else set()
    for company_id in range(1, COMPANIES + 1):
        company = state.company(company_id)
        assert company is not None
        if str(company["companyStatus"]) == "1":
            keys.add(f"onboarding:{STORE}:company:{company_id}:b2b_welcome_pack:1")
    return keys


def events(order_ids: list[int], company_ids: list[int], rng: random.Random) -> list[WebhookEvent]:
    state = StoreState(SIM, STORE, lambda: datetime.now(UTC))
    found = []
    for order_id in order_ids:
        record = state.order_record(order_id)
        assert record is not None
        transition = {"previous_status_id": 11, "new_status_id": record["order"]["status_id"]}
        updated = event("store/order/statusUpdated", {"type": "order", "id": order_id, "status": transition})
        found += [updated, updated]
    for company_id in company_ids:
        found.append(event("store/company/created", {"company_id": company_id}))
        found.append(event("store/company/statusUpdated", {"company_id": company_id}))
    rng.shuffle(found)
    return found


class Pipeline:
    def __init__(self, enricher: Running, exstream: RunningExstream, tmp: Path) -> None:
        self.enricher = enricher
        self.exstream = exstream
        self.topics = [enricher.topics["order"], enricher.topics["company"]]
        self.storage_root = tmp / "documents"
        self.group, self.settings = flow_settings(
            enricher.kafka,
            enricher.settings.registry,
            name="onboarding",
            topics=self.topics,
            exstream_url=exstream.base_url,
            storage_root=self.storage_root,
        )

    def factory(self, services: Services) -> UseCase[Any]:
        return build(services, OnboardingSettings())

    def start(self) -> RunningConsumer:
        return RunningConsumer("onboarding", self.factory, self.settings)

    def deliver(self, batch: list[WebhookEvent]) -> None:
        self.enricher.send(batch)
        wait_drained(self.enricher.kafka, self.enricher.settings.group, self.enricher.input_topic)
        for topic in self.topics:
            wait_drained(self.enricher.kafka, self.group, topic)

    def pdf(self, key: str) -> PdfReader:
        return PdfReader(io.BytesIO(stored_pdf(self.storage_root, key)))


@pytest.fixture
def pipeline(
    kafka_settings: KafkaSettings,
    registry_settings: RegistrySettings,
    registry: Any,
    new_topic: Any,
    tmp_path: Path,
) -> Iterator[Pipeline]:
    with (
        start_simulator(SIM) as bigcommerce,
        running_simulator(ExstreamSimulatorConfig(port=0, outbox=tmp_path / "outbox")) as exstream,
        running_enricher(bigcommerce, kafka_settings, registry_settings, registry, new_topic) as enricher,
    ):
        yield Pipeline(enricher, exstream, tmp_path)


class TestOnboardingEndToEnd:
    def test_one_document_per_family_and_company_through_restart_duplicates_and_reordering(
        self, pipeline: Pipeline
    ) -> None:
        """Shipped orders get their family guides and warranty once, approved companies one pack."""
        rng = random.Random(3)
        orders, companies = list(range(1, ORDERS + 1)), list(range(1, COMPANIES + 1))
        first = events(orders[: ORDERS // 2], companies[:3], rng)
        consumer = pipeline.start()
        pipeline.deliver(first)
        assert consumer.stop() == 0  # a restart in the middle
        consumer = pipeline.start()
        pipeline.deliver(
            events(orders[ORDERS // 2 :], companies[3:], rng) + events(orders[: ORDERS // 2], [], rng)
        )
        assert consumer.stop() == 0

        expected = expected_from_data()
        simulator = pipeline.exstream.simulator
        counts = {key: simulator.count_for(exstream_reference(key)) for key in expected}
        assert {key: n for key, n in counts.items() if n != 1} == {}
        assert len(simulator.documents()) == len(expected)
        assert any(":b2b_welcome_pack:" in key for key in expected)
        warranty = next(key for key in sorted(expected) if ":warranty_registration:" in key)
        (page,) = pipeline.pdf(warranty).pages
        (qr,) = [r.text for image in page.images for r in zxingcpp.read_barcodes(image.image)]
        assert f"/warranty/register?order={warranty.split(':')[3]}&products=" in qr
        assert any(":setup_guide:" in key for key in expected)
        assert qr in page.extract_text().replace("\n", "")
