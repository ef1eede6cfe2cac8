"""The returns processor with a fake document step: which documents each return or refund gets, their
driver data, and how they render in the Exstream simulator's templates (the label's barcodes decode)."""

from __future__ import annotations

import asyncio
import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from bcx.contracts.commerce_returns import Resolution, ReturnState
from consumers.registry import use_case_names
from consumers.returns.labels import ExstreamLabels
from consumers.returns.processor import ReturnsInput, ReturnsProcessor
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext, SourceRecord
from consumers.stream.errors import PermanentError
from routing import RuleSet, load_rules
from simulators.exstream.templates import TemplateRegistry
from tests.consumers.returns.factories import WAREHOUSE, a_refund, a_return

CTX = RecordContext(SourceRecord("commerce.returns.v1", 0, 1, b"k", b"v"), 1, "bcx-returns")


class FakeStep:
    """Records each request; a key is "sent" once a request for it ran."""

    def __init__(self) -> None:
        self.requests: list[DocumentRequest] = []

    def sent(self, key: str) -> bool:
        return any(r.decision.idempotency_key == key for r in self.requests)

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        if self.sent(str(request.decision.idempotency_key)):
            return DocumentOutcome(skipped=True, entry=None)
        self.requests.append(request)
        return DocumentOutcome(skipped=False, entry=None)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules(None, use_cases=use_case_names())


def run(rules: RuleSet, *values: ReturnsInput, erased: frozenset[tuple[str, str]] = frozenset()) -> FakeStep:
    step = FakeStep()
    processor = ReturnsProcessor(
        rules=rules,
        step=step,
        labels=ExstreamLabels(step),
        is_sent=step.sent,
        return_address=WAREHOUSE,
        support_email="returns@example.com",
        erased=lambda store, customer: (store, customer or "") in erased,
    )
    for value in values:
        asyncio.run(processor.process(value, CTX))
    return step


def types(step: FakeStep) -> list[str]:
    return [r.decision.document_type for r in step.requests]


def rendered(request: DocumentRequest) -> tuple[bytes, str]:
    template = TemplateRegistry().get(request.decision.communication_id)
    out = template.render(
        dict(request.driver_data),
        communication_id=request.decision.communication_id,
        reference=request.decision.idempotency_key,
    )
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.pdf)).pages)
    return out.pdf, text


def barcodes(pdf: bytes) -> dict[str, str]:
    """Every barcode on the PDF's first page, read by ZXing from a 200 dpi rendering: format → text."""
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=200 / 72).to_pil()
    return {str(r.format): r.text for r in zxingcpp.read_barcodes(image)}


class TestReturnDocuments:
    def test_an_eligible_return_gets_rma_letter_and_label(self, rules: RuleSet) -> None:
        """An apparel return inside its 60-day window gets the RMA letter with packing instructions and
        deadline, and the label with both addresses and the weight class."""
        record = a_return(days=20)
        step = run(rules, record)
        assert types(step) == ["return_authorisation", "return_label"]
        letter, label = (r.driver_data for r in step.requests)
        assert letter["rma"]["number"] == record.rma()
        assert letter["policy"]["windowDays"] == 60
        assert letter["policy"]["deadline"]["iso"].startswith("2026-04-30")
        assert "tags attached" in letter["packing"][0]["instructions"]
        assert label["label"]["weightClass"].startswith("S")
        assert label["sender"]["lines"][0] == "12 Elm Street"
        assert "US" not in label["sender"]["lines"]  # domestic: no country line

    def test_a_cross_border_label_names_the_senders_country(self, rules: RuleSet) -> None:
        """A sender abroad gets the country on the label's sender block."""
        record = a_return()
        abroad = record.customer.model_copy(
            update={"address": record.customer.address.model_copy(update={"country_iso2": "FR"})}
        )
        (_, label) = run(rules, record.model_copy(update={"customer": abroad})).requests
        assert label.driver_data["sender"]["lines"][-1] == "FR"

    def test_the_rendered_letter_shows_rma_address_packing_and_deadline(self, rules: RuleSet) -> None:
        """The RMA letter's PDF names the RMA, the return address, the packing and the ship-by date."""
        record = a_return()
        (letter, _) = run(rules, record).requests
        _, text = rendered(letter)
        for expected in (record.rma(), "1 Warehouse Way", "tags attached", "Ship by", "Organic T-shirt"):
            assert expected in text

    def test_the_label_barcodes_decode_to_the_rma(self, rules: RuleSet) -> None:
        """A barcode reader finds a Code 128 and a QR code on the rendered label, both holding the RMA."""
        record = a_return("R-label-7")
        (_, label) = run(rules, record).requests
        pdf, text = rendered(label)
        assert barcodes(pdf) == {"Code 128": record.rma(), "QR Code": record.rma()}
        assert "Jane Roe" in text
        assert "Returns department" in text

    def test_a_non_returnable_category_gets_a_refusal_letter(self, rules: RuleSet) -> None:
        """Perishables get the refusal letter with the policy's reason, and no RMA or label."""
        step = run(rules, a_return(category="perishables"))
        assert types(step) == ["return_refusal"]
        _, text = rendered(step.requests[0])
        assert "Perishable goods" in text

    def test_an_exchange_gets_exchange_instructions(self, rules: RuleSet) -> None:
        """An exchange also gets the exchange instructions naming what is sent instead."""
        step = run(rules, a_return(resolution=Resolution.EXCHANGE))
        assert types(step) == ["return_authorisation", "return_label", "exchange_instructions"]
        _, text = rendered(step.requests[2])
        assert "Organic T-shirt L" in text

    def test_states_repeat_without_new_documents(self, rules: RuleSet) -> None:
        """requested, authorised and the same state again produce each document once."""
        requested = a_return()
        authorised = a_return(state=ReturnState.AUTHORISED, minutes=5)
        step = run(rules, requested, authorised, requested)
        assert types(step) == ["return_authorisation", "return_label"]

    def test_no_return_address_anywhere_is_a_permanent_error(self, rules: RuleSet) -> None:
        """Without an address in the return or the settings the RMA cannot be written: the record fails
        permanently (dead letter) instead of sending a label to nowhere."""
        step = FakeStep()
        processor = ReturnsProcessor(
            rules=rules, step=step, labels=ExstreamLabels(step), is_sent=step.sent, return_address=None
        )
        with pytest.raises(PermanentError, match="no return address"):
            asyncio.run(processor.process(a_return(), CTX))
        assert step.requests == []

    def test_a_rejection_after_the_rma_gets_a_refusal(self, rules: RuleSet) -> None:
        """The service rejecting after inspection sends the refusal letter with its reason."""
        rejected = a_return(
            state=ReturnState.REJECTED, minutes=5, rejection_reason="Item shows signs of use."
        )
        step = run(rules, a_return(), rejected)
        assert types(step) == ["return_authorisation", "return_label", "return_refusal"]
        assert step.requests[2].driver_data["refusal"]["reason"] == "Item shows signs of use."

    def test_a_late_request_after_the_refusal_is_stale(self, rules: RuleSet) -> None:
        """Reordered: the rejection arrives first; the late 'requested' state then produces no RMA."""
        rejected = a_return(state=ReturnState.REJECTED, minutes=5, rejection_reason="Too late.")
        step = run(rules, rejected, a_return())
        assert types(step) == ["return_refusal"]


class TestRefundConfirmations:
    def test_each_partial_refund_gets_its_own_confirmation(self, rules: RuleSet) -> None:
        """Two refunds of one order: two confirmations (keys by refund id); a redelivery adds none."""
        first, second = a_refund(1001, "9.99"), a_refund(1002, "5.00")
        step = run(rules, first, second, first)
        keys = [r.decision.idempotency_key for r in step.requests]
        assert keys == [
            "returns:abc123:order:100:refund_confirmation:1001",
            "returns:abc123:order:100:refund_confirmation:1002",
        ]

    def test_the_confirmation_shows_amount_method_and_time_to_funds(self, rules: RuleSet) -> None:
        """The rendered confirmation names the amount, the card and the card's time to funds."""
        (request,) = run(rules, a_refund(1001, "9.99")).requests
        _, text = rendered(request)
        for expected in ("$9.99", "Credit Card", "5 to 10 business days", "CN-100-1001", "Roe Outfitters"):
            assert expected in text


class TestErasureAndExplanation:
    def test_an_erased_customer_gets_no_return_or_refund_documents(self, rules: RuleSet) -> None:
        """Once the customer is in customers.erasures.v1 neither a return nor a refund sends them anything."""
        gone = frozenset({("abc123", "5")})
        assert run(rules, a_return(), a_refund(1001, "9.99"), erased=gone).requests == []

    def test_another_customers_erasure_changes_nothing(self, rules: RuleSet) -> None:
        """Erasing a different customer of the store leaves this customer's documents as they were."""
        other = frozenset({("abc123", "6")})
        assert types(run(rules, a_return(), erased=other)) == ["return_authorisation", "return_label"]

    def test_every_request_carries_the_rule_that_asked_for_it(self, rules: RuleSet) -> None:
        """Each document request, label and refund confirmation included, explains which rule matched and
        names the rules file's digest, so results can answer why the customer got it."""
        step = run(rules, a_return(), a_refund(1001, "9.99"))
        assert len(step.requests) == 3
        for request in step.requests:
            why = request.explanation
            assert why is not None
            assert why.rules == [request.decision.rule]
            assert f"rule {request.decision.rule} matched" in why.reason
            assert why.rules_digest
