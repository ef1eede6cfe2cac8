"""Suppression: test orders, already sent, opt-outs, marketing consent, wrong entity, unknown version."""

from __future__ import annotations

from decimal import Decimal

from routing import CartFacts, EventFacts, RoutingFacts, evaluate, parse_rules
from tests.routing.factories import MINIMAL, captured_payment, customer, default_rules, order_facts


class TestSuppression:
    def test_test_order_is_suppressed(self) -> None:
        """Every document of a test order is suppressed with the reason."""
        decision = evaluate(default_rules(), order_facts(is_test=True))
        assert decision.documents
        assert not decision.due
        assert {s.policy for d in decision.documents for s in d.suppressions} == {"test-orders"}

    def test_already_sent(self) -> None:
        """A document whose key is in the ledger is suppressed as already sent; others stay due."""
        key = "order_documents:abc123:order:250:order_confirmation:1"
        decision = evaluate(default_rules(), order_facts(sent_keys=frozenset({key})))
        confirmation = decision.document("order_confirmation")
        assert confirmation is not None
        assert not confirmation.due
        assert confirmation.suppressions[0].policy == "already sent"
        assert {d.document_type for d in decision.due} == {"order_invoice"}

    def test_opt_out_of_document_type(self) -> None:
        """A customer who opted out of confirmations does not get one."""
        facts = order_facts(customer_facts=customer(opt_outs=frozenset({"order_confirmation"})))
        doc = evaluate(default_rules(), facts).document("order_confirmation")
        assert doc is not None
        assert not doc.due
        assert doc.suppressions[0].reason == "customer opted out of order_confirmation"

    def test_mandatory_document_ignores_opt_out(self) -> None:
        """An invoice is mandatory: the opt-out is noted but the invoice stays due."""
        facts = order_facts(customer_facts=customer(opt_outs=frozenset({"transactional"})))
        decision = evaluate(default_rules(), facts)
        invoice = decision.document("order_invoice")
        confirmation = decision.document("order_confirmation")
        assert invoice is not None
        assert invoice.due
        assert invoice.suppressions[0].effect == "overridden"
        assert confirmation is not None
        assert not confirmation.due

    def test_test_payment_gets_no_receipt(self) -> None:
        """A test transaction's receipt is suppressed."""
        doc = evaluate(default_rules(), order_facts(payment=captured_payment(is_test=True))).document(
            "payment_receipt"
        )
        assert doc is not None
        assert [s.policy for s in doc.suppressions] == ["test-payments"]


def _cart_facts(consent: bool, **customer_overrides: object) -> RoutingFacts:
    return RoutingFacts(
        use_case="retention",
        store_hash="abc123",
        entity_type="cart",
        entity_id="09346904-4175-44fd-be53-f7e598531b6c",
        event=EventFacts(scope="store/cart/abandoned"),
        customer=customer(marketing_consent=consent, **customer_overrides),
        cart=CartFacts(cart_id="09346904", amount=Decimal("80"), currency="EUR", item_count=2),
    )


class TestMarketing:
    def test_consent_allows_reminder(self) -> None:
        """An abandoned cart of a consenting customer gets a reminder by email."""
        decision = evaluate(default_rules(), _cart_facts(consent=True))
        assert [d.document_type for d in decision.due] == ["abandoned_cart_reminder"]

    def test_no_consent_suppresses(self) -> None:
        """Without marketing consent the reminder is suppressed, saying so."""
        doc = evaluate(default_rules(), _cart_facts(consent=False)).document("abandoned_cart_reminder")
        assert doc is not None
        assert not doc.due
        assert doc.suppressions[0].policy == "marketing-requires-consent"

    def test_marketing_opt_out_suppresses(self) -> None:
        """A customer who opted out of marketing gets no reminder even with consent recorded."""
        facts = _cart_facts(consent=True, opt_outs=frozenset({"marketing"}))
        doc = evaluate(default_rules(), facts).document("abandoned_cart_reminder")
        assert doc is not None
        assert [s.policy for s in doc.suppressions] == ["opt-out"]


class TestStructural:
    def test_wrong_entity_is_suppressed(self) -> None:
        """An order document asked for on a customer entity is suppressed rather than mis-keyed."""
        facts = order_facts().model_copy(update={"entity_type": "customer"})
        doc = evaluate(default_rules(), facts).document("order_confirmation")
        assert doc is not None
        assert doc.suppressions[0].policy == "entity"

    def test_refund_without_id_asks_for_nothing(self) -> None:
        """A refunded order without refund facts asks for no refund letter."""
        facts = order_facts(use_case="returns", status_id=4)
        assert evaluate(default_rules(), facts).documents == ()

    def test_missing_version_field(self) -> None:
        """A document versioned by a field that is not set gets no key and is suppressed."""
        rules = parse_rules(MINIMAL.replace("version: once", "version: {field: payment.transaction_id}"))
        doc = evaluate(rules, order_facts()).document("order_confirmation")
        assert doc is not None
        assert doc.idempotency_key is None
        assert not doc.due
        assert doc.suppressions[0].reason == "payment.transaction_id is not set, so no key"
