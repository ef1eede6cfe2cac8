"""The Exstream simulator's exception-notice template renders every kind into a real PDF and e-mail."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from consumers.documents.orders.facts import Trigger
from consumers.order_exceptions.driver_data import NoticeRequest, build_notice
from consumers.order_exceptions.policy import load_policy
from routing import ExceptionFacts, load_rules
from simulators.exstream.templates import TemplateRegistry
from tests.consumers.order_documents.factories import simulated

RULES = load_rules(None)
REGISTRY = TemplateRegistry()
KINDS = {
    "cancellation_notice": ("cancelled", "has been cancelled"),
    "payment_declined_notice": ("declined", "payment was declined"),
    "order_on_hold_notice": ("verification", "being verified"),
    "dispute_notice": ("disputed", "dispute was opened"),
    "partial_shipment_notice": ("partial", "Part of your order has shipped"),
    "order_delay_notice": ("delayed", "Your order is delayed"),
}


class TestExceptionTemplate:
    @pytest.mark.parametrize("document_type", sorted(KINDS))
    def test_each_notice_renders_its_wording_and_the_order(self, document_type: str) -> None:
        """Each notice type has a real template whose PDF names the exception, the order and the date."""
        kind, heading = KINDS[document_type]
        (communication,) = RULES.documents[document_type].communications
        context = simulated(4)  # partially shipped: shipped and pending lines
        data = build_notice(
            context,
            Trigger(scope="store/order/statusUpdated"),
            load_policy(),
            NoticeRequest(document_type, ExceptionFacts(kind=kind, state="1"), "en-US", ("email",), "k"),
        )
        template = REGISTRY.get(communication.communication_id)
        assert template.name == "Order exception notice"
        out = template.render(data, communication_id=communication.communication_id, reference="k")
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.pdf)).pages)
        assert heading in text
        assert data["exception"]["expectedResolution"]["date"] in text
        assert f"Order number {context.snapshot.order.id}" in text.replace("\n", " ")
        assert heading in out.html
