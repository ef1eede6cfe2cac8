"""Partial facts from bare webhook bodies, for explaining an event file."""

from __future__ import annotations

import pytest

from consumers.registry import use_case_for_scope
from routing import RoutingError
from routing.webhook_facts import facts_from_webhook, looks_like_webhook

STATUS_UPDATED = {
    "scope": "store/order/statusUpdated",
    "store_id": "1025646",
    "data": {"type": "order", "id": 250, "status": {"previous_status_id": 0, "new_status_id": 11}},
    "hash": "7ee67cd1cf2ca60bc1aa9e5fe957d2de373be4ca",
    "created_at": 1561479335,
    "producer": "stores/abc123",
}


class TestWebhookFacts:
    def test_status_updated(self) -> None:
        """A statusUpdated body gives store, entity, transition and the new status as current status."""
        facts = facts_from_webhook(STATUS_UPDATED, "order_documents")
        assert (facts.use_case, facts.store_hash, facts.entity_type, facts.entity_id) == (
            "order_documents",
            "abc123",
            "order",
            "250",
        )
        assert (facts.event.previous_status_id, facts.event.new_status_id) == (0, 11)
        assert facts.order is not None
        assert facts.order.status_id == 11

    def test_refund_goes_to_returns(self) -> None:
        """A refund webhook feeds the returns flow (the first declaring its scope) with the refund id."""
        body = {**STATUS_UPDATED, "scope": "store/order/refund/created", "data": {"type": "order", "id": 250,
                "refund": {"refund_id": 3}}}  # fmt: skip
        use_case = use_case_for_scope(str(body["scope"]))
        assert use_case == "returns"
        facts = facts_from_webhook(body, use_case)
        assert facts.refund is not None
        assert facts.refund.refund_id == 3

    def test_scopes_feed_the_flow_declaring_them(self) -> None:
        """A scope goes to the first declared flow subscribing it; one no flow subscribes goes nowhere."""
        assert use_case_for_scope("store/order/statusUpdated") == "order_documents"
        assert use_case_for_scope("store/cart/abandoned") == "retention"
        assert use_case_for_scope("store/company/created") == "onboarding"
        assert use_case_for_scope("store/order/archived") is None

    def test_not_a_webhook(self) -> None:
        """A body without a store producer is refused."""
        with pytest.raises(RoutingError, match="not a BigCommerce webhook body"):
            facts_from_webhook({**STATUS_UPDATED, "producer": "x"}, "order_documents")

    def test_detects_webhooks(self) -> None:
        """A webhook body is told apart from routing facts."""
        assert looks_like_webhook(STATUS_UPDATED)
        assert not looks_like_webhook({"use_case": "order_documents", "scope": "x", "producer": "y"})
