"""The Exstream simulator's order-document templates render the driver data into real PDFs and e-mails."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from consumers.documents.orders.context import OrderContext
from consumers.order_documents.driver_data import (
    ORDER_CONFIRMATION,
    ORDER_INVOICE,
    PAYMENT_RECEIPT,
    DocumentRequest,
    build_driver_data,
)
from routing import load_rules
from simulators.exstream.templates import GENERIC, TemplateRegistry
from tests.consumers.order_documents.factories import hand_made, simulated, simulated_where
from tests.support.pdf import pdf_text

REGISTRY = TemplateRegistry()
RULES = load_rules(None)


def communications(document_type: str) -> list[str]:
    """Every communication id the default rules may choose for ``document_type``."""
    return [c.communication_id for c in RULES.documents[document_type].communications]


def render(communication_id: str, context: OrderContext, document_type: str, locale: str = "en-US") -> Any:
    version = None
    if document_type == PAYMENT_RECEIPT:
        version = str(context.snapshot.transactions[0].id)
    data = build_driver_data(
        context, DocumentRequest(document_type, locale, ("email",), "order_documents:k", version)
    )
    # what the simulator receives is JSON, not Python objects
    return REGISTRY.get(communication_id).render(
        json.loads(json.dumps(data)), communication_id=communication_id, reference="order_documents:k"
    )


ALL = (
    [(ORDER_CONFIRMATION, cid) for cid in communications(ORDER_CONFIRMATION)]
    + [(ORDER_INVOICE, cid) for cid in communications(ORDER_INVOICE)]
    + [(PAYMENT_RECEIPT, cid) for cid in communications(PAYMENT_RECEIPT)]
)


class TestTemplates:
    @pytest.mark.parametrize(("document_type", "communication_id"), ALL)
    def test_every_routed_communication_has_its_own_template(
        self, document_type: str, communication_id: str
    ) -> None:
        """The simulator serves a dedicated template (not the generic one) for every routed communication."""
        assert communication_id in REGISTRY.ids()
        assert REGISTRY.get(communication_id) is not REGISTRY.get(GENERIC)

    @pytest.mark.parametrize(("document_type", "communication_id"), ALL)
    def test_pdf_carries_the_orders_real_data(self, document_type: str, communication_id: str) -> None:
        """The PDF text holds the store, customer, address, every line, the total and the order number."""
        context = simulated(12)
        rendered = render(communication_id, context, document_type)
        text = pdf_text(rendered.pdf)
        order = context.snapshot.order
        assert context.store.name in text
        assert order.billing_address.first_name in text
        assert order.billing_address.street_1 in text
        assert str(order.id) in text
        assert f"{order.total_inc_tax:,.2f}" in text
        assert context.store.order_email in text
        for line in context.snapshot.products:
            assert line.name in text

    def test_invoice_shows_number_taxes_and_balance(self) -> None:
        """The invoice PDF has its number, the tax rate and amount, shipping, and the balance due."""
        text = pdf_text(render(communications(ORDER_INVOICE)[-1], hand_made(), ORDER_INVOICE, "en-GB").pdf)
        for expected in ("INV-000250", "VAT 20%", "£22.00", "£10.00", "£132.00", "Balance due", "£0.00"):
            assert expected in text

    def test_receipt_shows_the_payment(self) -> None:
        """The receipt PDF names its number, the card used and the amount received."""
        text = pdf_text(render(communications(PAYMENT_RECEIPT)[0], hand_made(), PAYMENT_RECEIPT).pdf)
        for expected in ("RCT-901", "Mastercard ending in 4444", "£132.00"):
            assert expected in text

    def test_euro_amounts_are_readable_in_the_pdf(self) -> None:
        """Symbols the PDF core fonts lack (€) are written as the ISO code, never as a replacement mark."""
        context = simulated_where(lambda c: c.transactional_currency == "EUR")
        text = pdf_text(render(communications(ORDER_INVOICE)[-1], context, ORDER_INVOICE, "de-DE").pdf)
        assert "EUR" in text
        assert re.search(r"\d\s?\?", text) is None  # "871,60 ?" would be a lost € sign

    def test_coupon_lines_appear_when_used(self) -> None:
        """An order with a coupon shows the coupon code and its deduction."""
        context = simulated_where(lambda c: bool(c.snapshot.coupons))
        text = pdf_text(render(communications(ORDER_CONFIRMATION)[0], context, ORDER_CONFIRMATION).pdf)
        assert "Coupon SAVE10" in text

    @pytest.mark.parametrize(("document_type", "communication_id"), ALL)
    def test_html_email_body_and_subject(self, document_type: str, communication_id: str) -> None:
        """The e-mail body is HTML with the order number and total; the subject names store and order."""
        context = hand_made()
        rendered = render(communication_id, context, document_type, "en-GB")
        assert rendered.html.lstrip().startswith("<!DOCTYPE html>")
        assert "Babbage &amp; Co" in rendered.html
        assert "£132.00" in rendered.html
        assert rendered.subject.startswith("Babbage & Co: ")
        assert "250" in rendered.subject
