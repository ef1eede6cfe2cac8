"""The onboarding flow: guides and warranty notices per product family once an order shipped, B2B welcome
packs, each rendered by its Exstream simulator template (the warranty's QR code decodes to its link)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

import zxingcpp
from pypdf import PdfReader

from bcx.bigcommerce.models import CompanySnapshot
from bcx.contracts.commerce_accounts import AccountSnapshotRecord
from bcx.contracts.commerce_common import Trigger
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from consumers.documents.orders.context import OrderContext
from consumers.onboarding.policy import load_policy
from consumers.onboarding.processor import OnboardingProcessor, Snapshot
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext, SourceRecord
from producers.enricher.mapping import Context, Envelope, account_record, order_record
from producers.enricher.profile_mapping import store_profile
from routing import load_rules
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.state import StoreState
from simulators.exstream.templates import TemplateRegistry
from tests.consumers.order_documents.factories import simulated

NOW = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)
CTX = RecordContext(SourceRecord("commerce.orders.v1", 0, 7, b"k", b"v"), 1, "bcx-onboarding")
STATE = StoreState(SimulatorConfig(orders=200), "simstore1", lambda: NOW)
RULES = load_rules(None)
REGISTRY = TemplateRegistry()


def trigger(scope: str, entity: str, entity_id: str) -> Trigger:
    return Trigger(event_id="evt-1", scope=scope, resource_type=entity, resource_id=entity_id, created_at=NOW)


def order_snapshot(context: OrderContext, scope: str = "store/order/statusUpdated") -> OrderSnapshotRecord:
    """The snapshot the enricher publishes: with the store's profile and each line's categories."""
    order_id = str(context.snapshot.order.id)
    env = Envelope(context.store.id, "order", order_id, NOW, trigger(scope, "order", order_id), "test")
    categories: dict[int, list[int]] = {}
    for line in context.snapshot.products:
        product = STATE.product(line.product_id)
        categories[line.product_id] = list(product["categories"]) if product else []
    profiles = Context(store=store_profile(context.store), categories=categories)
    return cast(OrderSnapshotRecord, order_record(env, context.snapshot, profiles))


def company_snapshot(company_id: int, status: int, scope: str) -> AccountSnapshotRecord:
    raw = STATE.company(company_id)
    assert raw is not None
    snapshot = CompanySnapshot.model_validate({"company": {**raw, "companyStatus": status}})
    env = Envelope(
        "simstore1", "company", str(company_id), NOW, trigger(scope, "company", str(company_id)), "t"
    )
    return cast(AccountSnapshotRecord, account_record(env, snapshot))


class FakeStep:
    def __init__(self) -> None:
        self.requests: list[DocumentRequest] = []

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        self.requests.append(request)
        return DocumentOutcome(False, None)


def run(
    value: Snapshot, erased: Callable[[str, str | None], bool] = lambda _store, _customer: False
) -> list[DocumentRequest]:
    step = FakeStep()
    processor = OnboardingProcessor(
        rules=RULES, policy=load_policy(), step=step, is_sent=lambda _k: False, erased=erased
    )
    asyncio.run(processor.process(value, CTX))
    return step.requests


def families(context: OrderContext) -> set[int]:
    found: set[int] = set()
    for line in context.snapshot.products:
        product = STATE.product(line.product_id)
        found.update(product["categories"] if product else [])
    return found


def shipped_with_electronics() -> OrderContext:
    for order_id in range(16, 200):
        context = simulated(order_id)
        if context.snapshot.order.status_id in (2, 10) and 23 in families(context):
            return context
    raise AssertionError("no shipped order with electronics")


def pdf(request: DocumentRequest) -> tuple[str, list[Any]]:
    (communication,) = RULES.documents[request.decision.document_type].communications
    out = REGISTRY.get(communication.communication_id).render(
        request.driver_data, communication_id=communication.communication_id, reference="k"
    )
    pages = PdfReader(io.BytesIO(out.pdf)).pages
    return "\n".join(p.extract_text() for p in pages), [image.image for p in pages for image in p.images]


class TestOrderOnboarding:
    def test_shipped_electronics_get_guides_and_a_warranty_notice_with_a_working_qr_code(self) -> None:
        """One setup, care and warranty document per family; the PDF QR code decodes to the link."""
        context = shipped_with_electronics()
        requests = run(order_snapshot(context))
        keys = {r.decision.idempotency_key for r in requests}
        order_id = context.snapshot.order.id
        assert f"onboarding:simstore1:order:{order_id}:warranty_registration:electronics" in keys
        assert f"onboarding:simstore1:order:{order_id}:setup_guide:electronics" in keys
        assert len(keys) == len(requests)
        warranty = next(r for r in requests if r.decision.document_type == "warranty_registration")
        link = warranty.driver_data["warranty"]["registrationUrl"]
        assert f"order={order_id}" in link
        text, images = pdf(warranty)
        assert "Register your warranty" in text
        assert link in text.replace("\n", "")
        (image,) = images
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [link]
        setup = next(r for r in requests if r.decision.document_type == "setup_guide")
        text, _ = pdf(setup)
        assert "Charge the device fully" in text
        assert setup.driver_data["products"][0]["name"] in text

    def test_an_erased_customer_gets_no_guide(self) -> None:
        """Once the order's customer was erased, the shipped order gets no guide or warranty notice; the
        requests it does get otherwise carry the decision's explanation."""
        context = shipped_with_electronics()
        customer = str(context.snapshot.order.customer_id) if context.snapshot.order.customer_id else None
        erased = run(order_snapshot(context), erased=lambda s, c: (s, c) == (context.store.id, customer))
        assert erased == []
        requests = run(order_snapshot(context))
        assert requests
        for request in requests:
            assert request.explanation is not None
            assert request.explanation.rules == [request.decision.rule]
            assert request.explanation.rules_digest == RULES.digest

    def test_nothing_before_shipping(self) -> None:
        """An order awaiting fulfilment gets no guide yet."""
        assert run(order_snapshot(simulated(12))) == []


class TestWelcomePack:
    def test_approved_company_gets_one_welcome_pack(self) -> None:
        """A company approved in B2B Edition gets its welcome pack, rendered with its name."""
        (request,) = run(company_snapshot(1, 1, "store/company/statusUpdated"))
        assert request.decision.idempotency_key == "onboarding:simstore1:company:1:b2b_welcome_pack:1"
        text, _ = pdf(request)
        assert request.driver_data["company"]["name"] in text

    def test_pending_company_gets_nothing(self) -> None:
        """A company created pending approval gets nothing yet."""
        assert run(company_snapshot(1, 0, "store/company/created")) == []
