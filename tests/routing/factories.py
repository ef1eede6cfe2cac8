"""Builders of routing facts for the routing tests: a realistic order event with keyword overrides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from routing import (
    CustomerFacts,
    EventFacts,
    ExceptionFacts,
    OrderFacts,
    PaymentFacts,
    RoutingFacts,
    RuleSet,
    load_rules,
)

# A small valid rule file that tests mutate to provoke one problem at a known line.
MINIMAL = """\
version: 1
documents:
  order_confirmation:
    use_case: order_documents
    entity_type: order
    category: transactional
    version: once
    channels: [email, print]
    default_channels: [email]
    communications:
      - communication_id: c-1
        driver_data_source: Driver
rules:
  - name: confirm
    use_case: order_documents
    when:
      - {field: order.status_id, in: [11]}
    then:
      documents: [order_confirmation]
locale_policy:
  default: en
  supported: [en, fr]
"""

_RULES: list[RuleSet] = []


def default_rules() -> RuleSet:
    """The shipped rule set, loaded once per test session."""
    if not _RULES:
        _RULES.append(load_rules())
    return _RULES[0]


def customer(**overrides: Any) -> CustomerFacts:
    """A registered customer in Germany with an email address and no stated preference."""
    values: dict[str, Any] = {
        "customer_id": 32,
        "country": "DE",
        "locale": "de-DE",
        "marketing_consent": True,
    }
    values.update(overrides)
    return CustomerFacts(**values)


def order_facts(
    *,
    status_id: int | None = 11,
    previous_status_id: int | None = 0,
    payment_status: str | None = "captured",
    scope: str = "store/order/statusUpdated",
    customer_facts: CustomerFacts | None = None,
    payment: PaymentFacts | None = None,
    is_test: bool = False,
    use_case: str = "order_documents",
    sent_keys: frozenset[str] = frozenset(),
    exception: ExceptionFacts | None = None,
    **order: Any,
) -> RoutingFacts:
    """Facts for an order event; by default order 250 moved 0 → 11 with its payment captured."""
    return RoutingFacts(
        use_case=use_case,
        store_hash="abc123",
        entity_type="order",
        entity_id="250",
        entity_version="1712345678",
        event=EventFacts(
            scope=scope,
            previous_status_id=previous_status_id if scope == "store/order/statusUpdated" else None,
            new_status_id=status_id if scope == "store/order/statusUpdated" else None,
        ),
        customer=customer_facts or customer(),
        order=OrderFacts(
            order_id=250,
            status_id=status_id,
            payment_status=payment_status,
            is_test=is_test,
            currency="EUR",
            total_inc_tax=Decimal("119.0000"),
            **order,
        ),
        payment=payment,
        exception=exception,
        sent_keys=sent_keys,
    )


def captured_payment(**overrides: Any) -> PaymentFacts:
    """A successful capture transaction."""
    values: dict[str, Any] = {
        "transaction_id": "tx-9",
        "event": "capture",
        "status": "ok",
        "amount": Decimal("119"),
    }
    values.update(overrides)
    return PaymentFacts(**values)
