"""Order snapshot + trigger → routing facts, and the decisions the default rules make from them."""

from __future__ import annotations

from datetime import UTC, datetime

from bcx.bigcommerce.models import CompanySnapshot, CustomerGroup
from consumers.documents.orders.facts import Trigger, entity_version
from consumers.documents.regions import subdivision
from consumers.order_documents.facts import order_document_facts
from routing import Channel, evaluate, load_rules
from tests.consumers.order_documents.factories import customer, hand_made, simulated

RULES = load_rules(None)
STATUS = Trigger("store/order/statusUpdated", "h1", datetime(2026, 3, 3, tzinfo=UTC), 1, 11)


def due(order_id: int) -> set[str]:
    """The document types due for simulated order ``order_id`` across all its facts."""
    context = simulated(order_id)
    documents: set[str] = set()
    for facts in order_document_facts(context, STATUS):
        documents |= {d.document_type for d in evaluate(RULES, facts).due}
    return documents


class TestFacts:
    def test_identity_version_and_event(self) -> None:
        """Facts name the store, the order, the snapshot version and the triggering transition."""
        [facts] = order_document_facts(hand_made(snapshot={"transactions": []}), STATUS)
        assert facts.use_case == "order_documents"
        assert (facts.store_hash, facts.entity_type, facts.entity_id) == ("abc123", "order", "250")
        assert facts.entity_version == "2026-03-03T15:31:00+00:00"
        assert (facts.event.previous_status_id, facts.event.new_status_id) == (1, 11)
        assert facts.payment is None

    def test_order_facts_reflect_the_current_state(self) -> None:
        """Status, payment status and method, currency and total come from the snapshot."""
        [facts] = order_document_facts(hand_made(), STATUS)
        assert facts.order is not None
        assert (facts.order.status_id, facts.order.payment_status) == (11, "captured")
        assert (facts.order.currency, str(facts.order.total_inc_tax)) == ("GBP", "132.0000")

    def test_payment_facts_from_the_successful_transaction(self) -> None:
        """The receipt rule sees the successful purchase: id, event, status, amount, test flag."""
        [facts] = order_document_facts(hand_made(), STATUS)
        assert facts.payment is not None
        assert (facts.payment.transaction_id, facts.payment.event, facts.payment.status) == (
            "901",
            "purchase",
            "ok",
        )
        assert facts.payment.is_test is False

    def test_one_facts_per_received_payment_event_first(self) -> None:
        """Two captures give two facts; the transaction the event names comes first."""
        context = hand_made()
        second = context.snapshot.transactions[0].model_copy(update={"id": 902, "event": "capture"})
        snapshot = context.snapshot.model_copy(
            update={"transactions": [*context.snapshot.transactions, second]}
        )
        context = context.model_copy(update={"snapshot": snapshot})
        facts = order_document_facts(
            context, Trigger("store/order/transaction/created", transaction_id="902")
        )
        assert [f.payment.transaction_id for f in facts if f.payment] == ["902", "901"]

    def test_customer_facts_for_a_guest(self) -> None:
        """A guest has no id and no portal account; country and region come from the billing address."""
        [facts] = order_document_facts(hand_made(), STATUS)
        assert facts.customer.is_guest is True
        assert facts.customer.customer_id is None
        assert facts.customer.country == "GB"
        assert facts.customer.has_portal_account is False
        assert facts.customer.has_email is True

    def test_customer_preferences_from_the_customer_snapshot(self) -> None:
        """Delivery preference, language and group segments are read from the customer's attributes."""
        snapshot = customer(5).model_copy(
            update={
                "group": CustomerGroup(id=4, name="Wholesale"),
                "attributes": {
                    "document_delivery": "print, email",
                    "preferred_language": "de",
                    "segments": "VIP",
                },
            }
        )
        context = hand_made(customer_id=5, customer_locale="").model_copy(update={"customer": snapshot})
        [facts] = order_document_facts(context, STATUS)
        assert facts.customer.preferred_channels == (Channel.PRINT, Channel.EMAIL)
        assert facts.customer.locale == "de"
        assert facts.customer.segments == frozenset({"vip", "wholesale"})
        assert facts.customer.group_name == "Wholesale"

    def test_b2b_company_makes_a_b2b_customer(self) -> None:
        """An order placed for a B2B company carries the company id and status."""
        company = CompanySnapshot.model_validate(
            {"company": {"companyId": 7, "companyName": "Acme", "companyStatus": 1}}
        )
        [facts] = order_document_facts(hand_made().model_copy(update={"company": company}), STATUS)
        assert (facts.customer.is_b2b, facts.customer.company_id, facts.customer.company_status) == (
            True,
            7,
            1,
        )

    def test_sent_keys_are_passed_through(self) -> None:
        """The ledger's sent keys reach the engine, which then suppresses those documents."""
        key = "order_documents:abc123:order:250:order_confirmation:1"
        [facts] = order_document_facts(hand_made(), STATUS, sent_keys=frozenset({key}))
        decision = evaluate(RULES, facts)
        assert "order_confirmation" not in {d.document_type for d in decision.due}

    def test_version_without_date_modified(self) -> None:
        """An order without ``date_modified`` has version ``1``."""
        assert entity_version(hand_made(date_modified="")) == "1"


class TestDecisions:
    def test_incomplete_pending_declined_and_cancelled_orders_get_nothing(self) -> None:
        """Statuses 0 Incomplete, 1 Pending, 5 Cancelled, 6 Declined, 7 Awaiting Payment: no documents."""
        for status in (0, 1, 5, 6, 7):
            assert due(status + 1) == set(), status

    def test_accepted_and_captured_order_gets_confirmation_and_invoice(self) -> None:
        """An order awaiting fulfilment with a captured payment gets a confirmation and an invoice."""
        assert {"order_confirmation", "order_invoice"} <= due(12)

    def test_live_payment_gets_a_receipt_once_per_transaction(self) -> None:
        """A successful live payment is due a receipt keyed by its transaction id."""
        [facts] = order_document_facts(hand_made(), STATUS)
        receipt = evaluate(RULES, facts).document("payment_receipt")
        assert receipt is not None
        assert receipt.due
        assert receipt.idempotency_key == "order_documents:abc123:order:250:payment_receipt:901"

    def test_test_payments_get_no_receipt(self) -> None:
        """A payment the gateway marks as a test gets no receipt under the default rules."""
        live = simulated(12)
        assert live.snapshot.transactions, "the simulated order has payments"
        tested = [t.model_copy(update={"test": True}) for t in live.snapshot.transactions]
        context = live.model_copy(
            update={"snapshot": live.snapshot.model_copy(update={"transactions": tested})}
        )
        for facts in order_document_facts(context, STATUS):
            receipt = evaluate(RULES, facts).document("payment_receipt")
            assert receipt is not None
            assert not receipt.due


class TestRegions:
    def test_state_names_become_iso_subdivisions(self) -> None:
        """US states, Canadian provinces (with accents) and codes map to ISO 3166-2."""
        assert subdivision("US", "Texas") == "US-TX"
        assert subdivision("CA", "Québec") == "CA-QC"
        assert subdivision("CA", "QC") == "CA-QC"
        assert subdivision("AU", "New South Wales") == "AU-NSW"

    def test_unknown_or_free_text_regions_give_none(self) -> None:
        """Free-text regions outside the known countries are not guessed."""
        assert subdivision("DE", "Bavaria") is None
        assert subdivision("US", "Atlantis") is None
        assert subdivision("", "Texas") is None
