"""The returns policy in the shipped rules: windows, fees, non-returnable categories, reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from consumers.registry import use_case_names
from routing import EventFacts, ReturnFacts, RoutingFacts, RuleSet, evaluate, load_rules
from routing.render import render_decision


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules(None, use_cases=use_case_names())


def facts(country: str = "DE", **returns: Any) -> RoutingFacts:
    values: dict[str, Any] = {
        "return_id": "R-1",
        "state": "requested",
        "resolution": "refund",
        "reason_code": "changed_mind",
        "categories": frozenset({"home"}),
        "days_since_delivery": 5,
    }
    values.update(returns)
    return RoutingFacts(
        use_case="returns",
        store_hash="abc123",
        entity_type="return",
        entity_id="R-1",
        event=EventFacts(scope="bcx/returns/requested"),
        customer={"country": country},
        returns=ReturnFacts(**values),
    )


def due(rules: RuleSet, value: RoutingFacts) -> list[str]:
    return sorted(d.document_type for d in evaluate(rules, value).due)


class TestReturnsPolicy:
    def test_an_eligible_return_gets_an_rma_letter_and_a_label(self, rules: RuleSet) -> None:
        """A return inside the default 30-day window gets the authorisation letter and the label."""
        assert due(rules, facts()) == ["return_authorisation", "return_label"]

    def test_an_exchange_also_gets_exchange_instructions(self, rules: RuleSet) -> None:
        """An eligible exchange adds the exchange instructions."""
        assert "exchange_instructions" in due(rules, facts(resolution="exchange"))

    def test_a_non_returnable_category_gets_a_refusal_with_its_reason(self, rules: RuleSet) -> None:
        """Perishables are refused: only the refusal letter is due, and the verdict carries the reason."""
        decision = evaluate(rules, facts(categories=frozenset({"perishables", "home"})))
        assert [d.document_type for d in decision.due] == ["return_refusal"]
        assert any(s.effect == "refused" and "Perishable" in s.reason for s in decision.policy_steps)

    def test_the_window_depends_on_category_and_country(self, rules: RuleSet) -> None:
        """Electronics in DE have 14 days (15 % fee): day 20 is refused, the same in US (15 days) too,
        while apparel has 60 days."""
        assert due(rules, facts(categories=frozenset({"electronics"}), days_since_delivery=20)) == [
            "return_refusal"
        ]
        assert due(rules, facts(categories=frozenset({"apparel"}), days_since_delivery=45)) == [
            "return_authorisation",
            "return_label",
        ]

    def test_a_damaged_item_ignores_the_window_and_waives_the_fee(self, rules: RuleSet) -> None:
        """Damaged electronics after 40 days are still authorised, without restocking fee."""
        decision = evaluate(
            rules, facts(categories=frozenset({"electronics"}), reason_code="damaged", days_since_delivery=40)
        )
        assert sorted(d.document_type for d in decision.due) == ["return_authorisation", "return_label"]
        assert any(s.effect == "restocking fee waived" for s in decision.policy_steps)

    def test_a_rejected_return_gets_a_refusal(self, rules: RuleSet) -> None:
        """The service's rejection is answered with the refusal letter."""
        assert due(rules, facts(state="rejected")) == ["return_refusal"]

    def test_explain_shows_the_policy_steps(self, rules: RuleSet) -> None:
        """`bcx routing explain` prints the policy's window and fee before the documents."""
        text = render_decision(evaluate(rules, facts(categories=frozenset({"electronics"}))), rules.source)
        assert "Returns policy:" in text
        assert "window electronics-eu → 14 days, restocking fee 15%" in text

    def test_a_partial_refund_gets_its_own_confirmation(self, rules: RuleSet) -> None:
        """The refund confirmation's key carries the refund id: two refunds of one order, two keys."""
        keys = set()
        for refund_id in (11, 12):
            value = RoutingFacts(
                use_case="returns",
                store_hash="abc123",
                entity_type="order",
                entity_id="100",
                event=EventFacts(scope="store/order/refund/created"),
                refund={"refund_id": refund_id, "total_amount": Decimal(5), "is_partial": True},
            )
            [document] = evaluate(rules, value).due
            keys.add(document.idempotency_key)
        assert len(keys) == 2
