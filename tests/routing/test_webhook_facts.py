"""Partial facts from bare webhook bodies, for explaining an event file."""

from __future__ import annotations

import pytest

from routing import RoutingError, UseCase
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
        facts = facts_from_webhook(STATUS_UPDATED)
        assert (facts.use_case, facts.store_hash, facts.entity_type, facts.entity_id) == (
            UseCase.ORDER_DOCUMENTS,
            "abc123",
            "order",
            "250",
        )
        assert (facts.event.previous_status_id, facts.event.new_status_id) == (0, 11)
        assert facts.order is not None
        assert facts.order.status_id == 11

    def test_refund_goes_to_returns(self) -> None:
        """A refund webhook feeds the returns use case with the refund id."""
        body = {**STATUS_UPDATED, "scope": "store/order/refund/created", "data": {"type": "order", "id": 250,
                "refund": {"refund_id": 3}}}  # fmt: skip
        facts = facts_from_webhook(body)
        assert facts.use_case is UseCase.RETURNS
        assert facts.refund is not None
        assert facts.refund.refund_id == 3

    def test_unrouted_scope(self) -> None:
        """A scope no use case listens to needs an explicit use case."""
        with pytest.raises(RoutingError, match="no use case is fed by scope"):
            facts_from_webhook({**STATUS_UPDATED, "scope": "store/product/updated"})

    def test_detects_webhooks(self) -> None:
        """A webhook body is told apart from routing facts."""
        assert looks_like_webhook(STATUS_UPDATED)
        assert not looks_like_webhook({"use_case": "order_documents", "scope": "x", "producer": "y"})
