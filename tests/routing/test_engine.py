"""The default rules decide the order documents: confirmation, invoice and receipt, and explain why."""

from __future__ import annotations

import pytest

from routing import DocumentOutcome, RuleOutcome, evaluate
from tests.routing.factories import captured_payment, customer, default_rules, order_facts

CONFIRMED = [2, 3, 8, 9, 10, 11]
NOT_CONFIRMED = [0, 1, 4, 5, 6, 7, 12, 13, 14]


def _due(facts: object) -> set[str]:
    decision = evaluate(default_rules(), facts)  # type: ignore[arg-type]
    return {d.document_type for d in decision.due}


class TestOrderConfirmation:
    @pytest.mark.parametrize("status", CONFIRMED)
    def test_due_when_order_reaches_confirmed_state(self, status: int) -> None:
        """An order in a confirmed status (payment confirmed or in fulfilment) gets its confirmation."""
        assert "order_confirmation" in _due(order_facts(status_id=status, payment_status="authorized"))

    @pytest.mark.parametrize("status", NOT_CONFIRMED)
    def test_not_due_for_other_statuses(self, status: int) -> None:
        """Incomplete, pending, declined, cancelled and exception states get no confirmation."""
        assert "order_confirmation" not in _due(order_facts(status_id=status, payment_status=None))

    def test_not_on_created_for_incomplete_order(self) -> None:
        """store/order/created for an incomplete (failed-payment) order yields nothing."""
        facts = order_facts(scope="store/order/created", status_id=0, payment_status="declined")
        assert _due(facts) == set()

    def test_created_event_for_accepted_order(self) -> None:
        """store/order/created for an order already accepted confirms it (state decides, not the event)."""
        assert "order_confirmation" in _due(order_facts(scope="store/order/created", status_id=11))

    def test_archived_order_is_not_confirmed(self) -> None:
        """An archived (deleted) order does not trigger a confirmation."""
        assert "order_confirmation" not in _due(order_facts(scope="store/order/archived", status_id=11))

    def test_key_is_once_per_order(self) -> None:
        """The confirmation's key uses version 1 whatever the order's version."""
        decision = evaluate(default_rules(), order_facts())
        doc = decision.document("order_confirmation")
        assert doc is not None
        assert doc.idempotency_key == "order_documents:abc123:order:250:order_confirmation:1"


class TestInvoiceAndReceipt:
    @pytest.mark.parametrize("payment_status", ["captured", "paid"])
    def test_invoice_on_capture(self, payment_status: str) -> None:
        """A captured (or paid) payment makes the invoice due."""
        assert "order_invoice" in _due(order_facts(payment_status=payment_status))

    @pytest.mark.parametrize("payment_status", ["authorized", "pending", "declined", None])
    def test_no_invoice_before_capture(self, payment_status: str | None) -> None:
        """An authorised-only or pending payment gets no invoice yet."""
        assert "order_invoice" not in _due(order_facts(payment_status=payment_status))

    def test_b2b_terms_invoice_before_payment(self) -> None:
        """A B2B order on payment terms gets its invoice when accepted, from the higher-priority rule."""
        facts = order_facts(
            payment_status="pending",
            payment_method="Pay by Invoice",
            customer_facts=customer(is_b2b=True, company_id=7, has_portal_account=True),
        )
        decision = evaluate(default_rules(), facts)
        invoice = decision.document("order_invoice")
        assert invoice is not None
        assert invoice.rule == "b2b-invoice-on-terms"

    def test_receipt_on_payment_received(self) -> None:
        """A successful capture transaction makes a receipt due, keyed by the transaction."""
        decision = evaluate(default_rules(), order_facts(payment=captured_payment()))
        receipt = decision.document("payment_receipt")
        assert receipt is not None
        assert receipt.due
        assert receipt.idempotency_key == "order_documents:abc123:order:250:payment_receipt:tx-9"

    def test_no_receipt_for_failed_transaction(self) -> None:
        """A transaction with status error produces no receipt."""
        assert "payment_receipt" not in _due(order_facts(payment=captured_payment(status="error")))

    def test_no_receipt_for_authorization(self) -> None:
        """An authorisation is not a payment received."""
        assert "payment_receipt" not in _due(order_facts(payment=captured_payment(event="authorization")))

    def test_declined_order_gets_nothing(self) -> None:
        """A declined order produces no order document at all."""
        assert _due(order_facts(status_id=6, payment_status="declined")) == set()


class TestCommunication:
    def test_segment_selects_b2b_invoice_template(self) -> None:
        """A wholesale customer's invoice uses the B2B communication and driver data source."""
        facts = order_facts(customer_facts=customer(segments=frozenset({"wholesale"})))
        invoice = evaluate(default_rules(), facts).document("order_invoice")
        assert invoice is not None
        assert invoice.driver_data_source == "B2BInvoiceDriver"
        assert "segment wholesale" in invoice.communication_reason

    def test_default_template(self) -> None:
        """A retail customer's invoice uses the default communication."""
        invoice = evaluate(default_rules(), order_facts()).document("order_invoice")
        assert invoice is not None
        assert (invoice.communication_id, invoice.driver_data_source) == (
            "eeb220ab-5d46-44e2-a39a-d5516ca765ae",
            "InvoiceDriver",
        )


class TestExplanation:
    def test_every_rule_of_the_use_case_is_explained(self) -> None:
        """Each order-documents rule appears once, highest priority first, with its outcome."""
        decision = evaluate(default_rules(), order_facts())
        names = [r.rule for r in decision.rules]
        assert names == [
            "b2b-invoice-on-terms",
            "order-confirmation",
            "invoice-on-capture",
            "receipt-on-payment",
        ]
        outcomes = {r.rule: r.outcome for r in decision.rules}
        assert outcomes["order-confirmation"] is RuleOutcome.MATCHED
        assert outcomes["receipt-on-payment"] is RuleOutcome.NOT_MATCHED

    def test_failed_conditions_name_the_field_and_value(self) -> None:
        """A rule that did not match says which condition failed and what value was found."""
        decision = evaluate(default_rules(), order_facts(status_id=6, payment_status="declined"))
        confirmation = next(r for r in decision.rules if r.rule == "order-confirmation")
        assert confirmation.reason == "failed: order.status_id in [2, 3, 8, 9, 10, 11] (order.status_id = 6)"
        failed = [c for c in confirmation.conditions if not c.passed]
        assert [(c.text, c.actual) for c in failed] == [("order.status_id in [2, 3, 8, 9, 10, 11]", 6)]

    def test_matched_rule_lists_values(self) -> None:
        """A matched rule's conditions carry the facts they looked at."""
        decision = evaluate(default_rules(), order_facts())
        confirmation = next(r for r in decision.rules if r.rule == "order-confirmation")
        assert [c.actual for c in confirmation.conditions] == ["store/order/statusUpdated", 11]

    def test_shadowed_document_is_noted(self) -> None:
        """When two rules ask for the same document, the lower one says who already chose it."""
        facts = order_facts(payment_method="Pay by Invoice", customer_facts=customer(is_b2b=True))
        decision = evaluate(default_rules(), facts)
        capture = next(r for r in decision.rules if r.rule == "invoice-on-capture")
        assert "order_invoice already chosen by b2b-invoice-on-terms" in capture.reason

    def test_decision_is_json_serialisable(self) -> None:
        """The whole decision dumps to JSON data carrying the rules digest."""
        dumped = evaluate(default_rules(), order_facts()).model_dump(mode="json")
        assert dumped["rules_digest"] == default_rules().digest
        assert dumped["documents"][0]["outcome"] == DocumentOutcome.DUE.value

    def test_other_use_cases_rules_are_not_considered(self) -> None:
        """Only rules of the facts' use case are evaluated."""
        decision = evaluate(default_rules(), order_facts())
        assert all(r.rule not in {"payment-declined", "refund-issued"} for r in decision.rules)
