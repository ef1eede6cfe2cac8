"""Channel selection: stated preference, reachability fallbacks, regulatory and B2B requirements."""

from __future__ import annotations

from routing import Channel, DocumentDecision, ExceptionFacts, evaluate
from tests.routing.factories import customer, default_rules, order_facts


def _doc(document_type: str, **customer_overrides: object) -> DocumentDecision:
    facts = order_facts(customer_facts=customer(**customer_overrides))
    doc = evaluate(default_rules(), facts).document(document_type)
    assert doc is not None
    return doc


class TestPreference:
    def test_no_preference_uses_document_default(self) -> None:
        """Without a stated preference the document's default channel (email) is used."""
        doc = _doc("order_confirmation", country="US")
        assert doc.channels == (Channel.EMAIL,)
        assert doc.channel_steps[0].reason == "customer stated no preference"

    def test_stated_preference_wins(self) -> None:
        """A customer who prefers paper gets the confirmation printed."""
        doc = _doc("order_confirmation", country="US", preferred_channels=(Channel.PRINT,))
        assert doc.channels == (Channel.PRINT,)
        assert doc.channel_steps[0].policy == "preference"

    def test_several_preferred_channels(self) -> None:
        """A customer wanting email and paper gets both."""
        doc = _doc("order_confirmation", country="US", preferred_channels=(Channel.PRINT, Channel.EMAIL))
        assert doc.channels == (Channel.EMAIL, Channel.PRINT)

    def test_unavailable_preference_falls_back_to_default(self) -> None:
        """A preferred channel the document cannot use is ignored, with a note."""
        facts = order_facts(
            status_id=6,
            previous_status_id=11,
            use_case="order_exceptions",
            customer_facts=customer(country="US", preferred_channels=(Channel.PORTAL,)),
            exception=ExceptionFacts(kind="declined"),
        )
        doc = evaluate(default_rules(), facts).document("payment_declined_notice")
        assert doc is not None
        assert doc.channels == (Channel.EMAIL,)
        assert doc.channel_steps[0].reason == "no preferred channel is available"


class TestReachability:
    def test_no_email_address_falls_back_to_print(self) -> None:
        """A customer without an email address gets paper instead."""
        doc = _doc("order_confirmation", country="US", has_email=False)
        assert doc.channels == (Channel.PRINT,)
        assert [(s.policy, s.effect) for s in doc.channel_steps[1:]] == [("fallback", "email → print")]

    def test_email_opt_out_falls_back_to_print(self) -> None:
        """A customer who opted out of email gets paper."""
        doc = _doc("order_confirmation", country="US", opt_outs=frozenset({"email"}))
        assert doc.channels == (Channel.PRINT,)
        assert doc.channel_steps[1].reason == "customer opted out of email"

    def test_unreachable_everywhere_suppresses(self) -> None:
        """With neither email nor postal address the document cannot be delivered and is suppressed."""
        doc = _doc("order_confirmation", country="US", has_email=False, has_postal_address=False)
        assert doc.channels == ()
        assert not doc.due
        assert [s.policy for s in doc.suppressions] == ["no channel"]


class TestRequirements:
    def test_german_invoice_is_archived(self) -> None:
        """Invoices for DE customers get an archive copy, with the regulation as reason."""
        doc = _doc("order_invoice", country="DE")
        assert doc.channels == (Channel.EMAIL, Channel.ARCHIVE)
        step = doc.channel_steps[-1]
        assert step.policy == "invoices-archived-de-fr"
        assert "GoBD" in step.reason
        assert 'customer.country = "DE"' in step.reason

    def test_us_invoice_is_not_archived(self) -> None:
        """Invoices outside DE/FR get no archive copy."""
        assert _doc("order_invoice", country="US").channels == (Channel.EMAIL,)

    def test_confirmation_is_not_archived(self) -> None:
        """The archive requirement is for invoices, not confirmations."""
        assert _doc("order_confirmation", country="FR").channels == (Channel.EMAIL,)

    def test_b2b_portal_copy(self) -> None:
        """A B2B customer's invoice also goes to the portal."""
        doc = _doc("order_invoice", country="US", is_b2b=True, has_portal_account=True)
        assert doc.channels == (Channel.EMAIL, Channel.PORTAL)
        assert doc.channel_steps[-1].policy == "b2b-portal-copy"

    def test_regional_paper_invoice(self) -> None:
        """A consumer in a region requiring paper invoices gets one even when preferring email."""
        doc = _doc("order_invoice", country="AT", preferred_channels=(Channel.EMAIL,))
        assert doc.channels == (Channel.EMAIL, Channel.PRINT)

    def test_requirement_beats_opt_out(self) -> None:
        """A required channel is kept even if the customer opted out of it."""
        doc = _doc("order_invoice", country="AT", opt_outs=frozenset({"print"}))
        assert Channel.PRINT in doc.channels
