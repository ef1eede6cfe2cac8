"""Conditions: operators, absent fields, transitions and combinators, each explained."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from routing.conditions import Condition, evaluate_condition
from tests.routing.factories import customer, order_facts

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Condition)


def _holds(raw: dict[str, Any], **kwargs: Any) -> bool:
    return evaluate_condition(_ADAPTER.validate_python(raw), order_facts(**kwargs)).passed


class TestOperators:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ({"field": "order.status_id", "equals": 11}, True),
            ({"field": "order.status_id", "not_equals": 11}, False),
            ({"field": "order.status_id", "in": [9, 11]}, True),
            ({"field": "order.status_id", "not_in": [9, 11]}, False),
            ({"field": "order.status_id", "gt": 10}, True),
            ({"field": "order.status_id", "gte": 12}, False),
            ({"field": "order.total_inc_tax", "lt": "200"}, True),
            ({"field": "order.total_inc_tax", "lte": "119"}, True),
            ({"field": "order.payment_status", "exists": True}, True),
            ({"field": "customer.segments", "contains": "vip"}, False),
            ({"field": "customer.opt_outs", "contains_any": ["sms", "email"]}, False),
        ],
    )
    def test_operator(self, raw: dict[str, Any], expected: bool) -> None:
        """Each operator compares the field's value with its operand."""
        assert _holds(raw) is expected

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ({"field": "order.payment_method", "equals": "Cash"}, False),
            ({"field": "order.payment_method", "not_equals": "Cash"}, True),
            ({"field": "order.payment_method", "in": ["Cash"]}, False),
            ({"field": "order.payment_method", "not_in": ["Cash"]}, True),
            ({"field": "order.payment_method", "exists": False}, True),
            ({"field": "payment.amount", "gt": 0}, False),
        ],
    )
    def test_absent_field(self, raw: dict[str, Any], expected: bool) -> None:
        """An absent field (or section) equals nothing and only satisfies the negative operators."""
        assert _holds(raw) is expected

    def test_enum_operand_is_typed(self) -> None:
        """Channel operands are validated against the Channel enum."""
        with pytest.raises(ValidationError, match=r"customer\.preferred_channels contains expects Channel"):
            _ADAPTER.validate_python({"field": "customer.preferred_channels", "contains": "fax"})

    def test_collection_needs_collection_operator(self) -> None:
        """equals on a set field is refused in favour of contains."""
        with pytest.raises(ValidationError, match="use contains or contains_any"):
            _ADAPTER.validate_python({"field": "customer.segments", "equals": "vip"})

    def test_incomparable_dates_do_not_raise(self) -> None:
        """A naive date in a rule against an aware event time is false, never an exception."""
        cond = _ADAPTER.validate_python({"field": "event.occurred_at", "gt": "2026-01-01T00:00:00"})
        facts = order_facts().model_copy(
            update={
                "event": order_facts().event.model_copy(
                    update={"occurred_at": datetime(2026, 2, 1, tzinfo=UTC)}
                )
            }
        )
        assert not evaluate_condition(cond, facts).passed


class TestTransitions:
    def test_transition_into_state(self) -> None:
        """A status change into 6 from elsewhere holds and is described."""
        cond = _ADAPTER.validate_python({"status_transition": {"to": [6], "from_not": [6]}})
        result = evaluate_condition(cond, order_facts(status_id=6, previous_status_id=11))
        assert result.passed
        assert result.detail == "status went 11 → 6"

    def test_no_transition_in_event(self) -> None:
        """An event without a status change never satisfies a transition."""
        cond = _ADAPTER.validate_python({"status_transition": {"to": [6]}})
        result = evaluate_condition(cond, order_facts(scope="store/order/updated", status_id=6))
        assert not result.passed
        assert result.detail == "the event carries no status transition"

    def test_empty_transition_refused(self) -> None:
        """A transition without from/from_not/to is a validation error."""
        with pytest.raises(ValidationError, match="at least one of from, from_not, to"):
            _ADAPTER.validate_python({"status_transition": {}})


class TestCombinators:
    def test_any_all_not(self) -> None:
        """any/all/not combine results and keep each child's explanation."""
        raw = {
            "all": [
                {
                    "any": [
                        {"field": "customer.country", "equals": "FR"},
                        {"field": "customer.country", "equals": "DE"},
                    ]
                },
                {"not": {"field": "customer.is_b2b", "equals": True}},
            ]
        }
        result = evaluate_condition(_ADAPTER.validate_python(raw), order_facts(customer_facts=customer()))
        assert result.passed
        assert [c.passed for c in result.children[0].children] == [False, True]
        assert result.children[1].children[0].detail == "customer.is_b2b = false"
