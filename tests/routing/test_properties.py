"""Properties of evaluation over generated facts: it never raises, and it is deterministic."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from consumers.registry import use_case_names
from routing import (
    CartFacts,
    Channel,
    CustomerFacts,
    EventFacts,
    OrderFacts,
    PaymentFacts,
    RefundFacts,
    RoutingFacts,
    ScheduleFacts,
    evaluate,
)
from tests.routing.factories import default_rules

_SCOPES = [
    "store/order/created",
    "store/order/updated",
    "store/order/statusUpdated",
    "store/order/archived",
    "store/order/refund/created",
    "store/cart/abandoned",
    "store/customer/created",
    "store/company/statusUpdated",
    "bcx/schedule/monthly_statement",
    "bcx/schedule/catalog_campaign",
]
_WORDS = st.sampled_from(
    ["vip", "wholesale", "retail", "marketing", "email", "print", "order_invoice", "notice"]
)
_STATUS = st.none() | st.integers(min_value=0, max_value=14)
_MONEY = st.none() | st.decimals(min_value=Decimal(0), max_value=Decimal(10_000), places=2)

customers = st.builds(
    CustomerFacts,
    customer_id=st.none() | st.integers(min_value=0, max_value=10**6),
    is_guest=st.booleans(),
    group_name=st.none() | st.sampled_from(["Retail", "wholesale"]),
    segments=st.frozensets(_WORDS, max_size=3),
    is_b2b=st.booleans(),
    company_status=st.none() | st.integers(min_value=0, max_value=3),
    country=st.none() | st.sampled_from(["DE", "FR", "AT", "IT", "US", "CA", "NO"]),
    region=st.none() | st.sampled_from(["CA-QC", "CA-ON", "US-CA"]),
    locale=st.none() | st.sampled_from(["fr-CA", "fr", "en-GB", "de_DE", "ja", "x", "zz-ZZ-long"]),
    preferred_channels=st.lists(st.sampled_from(list(Channel)), max_size=3).map(tuple),
    has_email=st.booleans(),
    has_postal_address=st.booleans(),
    has_portal_account=st.booleans(),
    marketing_consent=st.booleans(),
    opt_outs=st.frozensets(_WORDS, max_size=3),
)
orders = st.builds(
    OrderFacts,
    order_id=st.integers(min_value=1, max_value=10**6),
    status_id=_STATUS,
    payment_status=st.none()
    | st.sampled_from(["captured", "paid", "authorized", "declined", "refunded", ""]),
    payment_method=st.none() | st.sampled_from(["Credit Card", "Pay by Invoice", "Cash"]),
    is_test=st.booleans(),
    total_inc_tax=_MONEY,
)
facts_strategy = st.builds(
    RoutingFacts,
    use_case=st.sampled_from(sorted(use_case_names())),
    store_hash=st.sampled_from(["abc123", "store-2"]),
    entity_type=st.sampled_from(["order", "cart", "customer", "company"]),
    entity_id=st.text(alphabet="0123456789abcdef:%-", min_size=1, max_size=12),
    entity_version=st.text(alphabet="0123456789:T-", min_size=1, max_size=12),
    event=st.builds(
        EventFacts, scope=st.sampled_from(_SCOPES), previous_status_id=_STATUS, new_status_id=_STATUS
    ),
    customer=customers,
    order=st.none() | orders,
    payment=st.none()
    | st.builds(
        PaymentFacts,
        transaction_id=st.text(min_size=1, max_size=8),
        event=st.sampled_from(["purchase", "capture", "authorization", "refund", "settled"]),
        status=st.sampled_from(["ok", "error"]),
        is_test=st.booleans(),
    ),
    refund=st.none() | st.builds(RefundFacts, refund_id=st.integers(min_value=1, max_value=999)),
    cart=st.none() | st.builds(CartFacts, cart_id=st.uuids().map(str), item_count=st.integers(0, 5)),
    schedule=st.none() | st.builds(ScheduleFacts, name=st.just("run"), period=st.just("2026-03")),
    sent_keys=st.frozensets(st.text(max_size=20), max_size=2),
)


class TestEvaluationProperties:
    @settings(max_examples=300, deadline=None)
    @given(facts_strategy)
    def test_never_raises_and_is_deterministic(self, facts: RoutingFacts) -> None:
        """Any valid facts evaluate without error, and twice to the same decision."""
        first = evaluate(default_rules(), facts)
        second = evaluate(default_rules(), facts)
        assert first == second
        assert first.model_dump(mode="json") == second.model_dump(mode="json")

    @settings(max_examples=200, deadline=None)
    @given(facts_strategy)
    def test_due_documents_are_complete(self, facts: RoutingFacts) -> None:
        """A due document always has a key, a channel, a communication and a supported locale."""
        supported = set(default_rules().locale_policy.supported)
        for doc in evaluate(default_rules(), facts).due:
            assert doc.idempotency_key is not None
            assert doc.idempotency_key not in facts.sent_keys
            assert doc.channels
            assert doc.communication_id
            assert doc.locale in supported

    @settings(max_examples=200, deadline=None)
    @given(facts_strategy)
    def test_sent_keys_suppress(self, facts: RoutingFacts) -> None:
        """Adding every due key to the ledger leaves nothing due: already-sent is always honoured."""
        due = evaluate(default_rules(), facts).due
        keys = frozenset(d.idempotency_key for d in due if d.idempotency_key)
        again = evaluate(default_rules(), facts.model_copy(update={"sent_keys": facts.sent_keys | keys}))
        assert again.due == ()
