"""The default rules beyond order documents: exceptions, returns, statements, catalogs, onboarding."""

from __future__ import annotations

from decimal import Decimal

from routing import (
    Channel,
    EventFacts,
    ExceptionFacts,
    ProductFacts,
    RefundFacts,
    RoutingFacts,
    ScheduleFacts,
    StatementFacts,
    evaluate,
)
from tests.routing.factories import customer, default_rules, order_facts


def _due(facts: RoutingFacts) -> list[str]:
    return [d.document_type for d in evaluate(default_rules(), facts).due]


class TestOrderExceptions:
    def test_declined_notice_on_transition(self) -> None:
        """An order moving into Declined gets a payment-declined notice."""
        facts = order_facts(
            use_case="order_exceptions",
            status_id=6,
            previous_status_id=11,
            exception=ExceptionFacts(kind="declined"),
        )
        assert _due(facts) == ["payment_declined_notice"]

    def test_cancelled_checkout_gets_nothing(self) -> None:
        """An incomplete checkout being cancelled produces no cancellation notice."""
        facts = order_facts(
            use_case="order_exceptions",
            status_id=5,
            previous_status_id=0,
            exception=ExceptionFacts(kind="cancelled"),
        )
        assert _due(facts) == []

    def test_dispute_in_italy_goes_by_post(self) -> None:
        """A formal dispute notice to an Italian customer is printed and archived too."""
        facts = order_facts(
            use_case="order_exceptions",
            status_id=13,
            previous_status_id=10,
            customer_facts=customer(country="IT", locale="it-IT"),
            exception=ExceptionFacts(kind="disputed"),
        )
        doc = evaluate(default_rules(), facts).document("dispute_notice")
        assert doc is not None
        assert doc.channels == (Channel.EMAIL, Channel.PRINT, Channel.ARCHIVE)
        assert doc.locale == "it"


class TestReturns:
    def test_refund_letter_per_refund(self) -> None:
        """Each refund gets its own credit note, keyed by the refund id."""
        facts = order_facts(use_case="returns", status_id=14).model_copy(
            update={"refund": RefundFacts(refund_id=3, total_amount=Decimal("20"), is_partial=True)}
        )
        doc = evaluate(default_rules(), facts).document("refund_confirmation")
        assert doc is not None
        assert doc.idempotency_key == "returns:abc123:order:250:refund_confirmation:3"


def _company_facts(use_case: str, scope: str, **customer_overrides: object) -> RoutingFacts:
    return RoutingFacts(
        use_case=use_case,
        store_hash="abc123",
        entity_type="company",
        entity_id="7",
        event=EventFacts(scope=scope),
        customer=customer(is_b2b=True, company_id=7, has_portal_account=True, **customer_overrides),
        schedule=ScheduleFacts(name="monthly_statement", period="2026-03"),
        statement=StatementFacts(period="2026-03", edition="2026-03", has_open_balance=True),
    )


class TestStatements:
    def test_monthly_statement_for_b2b_company(self) -> None:
        """A B2B company with an open balance gets one statement per period, in the portal and by email."""
        facts = _company_facts("account_statements", "bcx/schedule/monthly_statement", company_status=1)
        doc = evaluate(default_rules(), facts).document("account_statement")
        assert doc is not None
        assert doc.due
        assert doc.idempotency_key == "account_statements:abc123:company:7:account_statement:2026-03"
        assert doc.channels == (Channel.EMAIL, Channel.PORTAL)

    def test_inactive_company_gets_no_statement(self) -> None:
        """A rejected or inactive company's statement is suppressed."""
        facts = _company_facts("account_statements", "bcx/schedule/monthly_statement", company_status=3)
        assert _due(facts) == []


class TestOnboarding:
    def test_approved_company_gets_welcome_pack(self) -> None:
        """A company approved in B2B Edition gets the welcome pack."""
        facts = _company_facts("onboarding", "store/company/statusUpdated", company_status=1)
        assert _due(facts) == ["b2b_welcome_pack"]

    def test_pending_company_gets_nothing_yet(self) -> None:
        """A company created pending approval gets its welcome pack only once approved."""
        facts = _company_facts("onboarding", "store/company/created", company_status=0)
        assert _due(facts) == []

    def test_shipped_electronics_get_setup_care_and_warranty_once_per_family(self) -> None:
        """A shipped order's electronics family gets a setup guide, a care guide and a warranty notice."""
        facts = order_facts(use_case="onboarding", status_id=2).model_copy(
            update={"products": ProductFacts(family="electronics", warrantable=True)}
        )
        decision = evaluate(default_rules(), facts)
        assert [d.document_type for d in decision.due] == [
            "setup_guide",
            "care_guide",
            "warranty_registration",
        ]
        assert {d.idempotency_key for d in decision.due} == {
            f"onboarding:abc123:order:250:{t}:electronics"
            for t in ("setup_guide", "care_guide", "warranty_registration")
        }

    def test_not_before_shipping_and_print_for_who_prefers_it(self) -> None:
        """Nothing while awaiting fulfilment; a customer preferring paper gets the printed guide."""
        waiting = order_facts(use_case="onboarding", status_id=11).model_copy(
            update={"products": ProductFacts(family="apparel")}
        )
        assert _due(waiting) == []
        paper = order_facts(
            use_case="onboarding",
            status_id=10,
            customer_facts=customer(preferred_channels=(Channel.PRINT,)),
        ).model_copy(update={"products": ProductFacts(family="apparel")})
        (doc,) = evaluate(default_rules(), paper).due
        assert (doc.document_type, doc.channels) == ("care_guide", (Channel.PRINT,))


class TestCatalogs:
    def _facts(self, *segments: str) -> RoutingFacts:
        return RoutingFacts(
            use_case="catalogs",
            store_hash="abc123",
            entity_type="customer",
            entity_id="32",
            event=EventFacts(scope="bcx/schedule/catalog_campaign"),
            customer=customer(segments=frozenset(segments)),
            schedule=ScheduleFacts(name="catalog_campaign", period="spring-2026"),
        )

    def test_vip_gets_printed_catalog(self) -> None:
        """VIP customers get the catalog on paper from the higher-priority rule."""
        doc = evaluate(default_rules(), self._facts("vip")).document("product_catalog")
        assert doc is not None
        assert (doc.rule, doc.channels) == ("vip-print-catalog", (Channel.PRINT,))

    def test_others_get_email_catalog(self) -> None:
        """Other customers get it by email."""
        doc = evaluate(default_rules(), self._facts()).document("product_catalog")
        assert doc is not None
        assert (doc.rule, doc.channels) == ("catalog-campaign", (Channel.EMAIL,))
