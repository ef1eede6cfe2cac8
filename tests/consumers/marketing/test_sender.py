"""The marketing sender: the gate runs before the document step, suppressions are counted by reason."""

from __future__ import annotations

import asyncio
from datetime import datetime
from decimal import Decimal
from typing import Any

from prometheus_client import CollectorRegistry

from bcx.contracts.marketing_profiles import MarketingProfile
from consumers.customer_profiles.processor import folded
from consumers.marketing.contacts import ContactLog, customer_of
from consumers.marketing.metrics import MarketingMetrics
from consumers.marketing.policy import load_policy
from consumers.marketing.sender import MarketingSender
from consumers.registry import use_case_names
from consumers.retention.candidates import cart_letter, price_drop_letters
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext, SourceRecord
from routing import load_rules
from tests.consumers.marketing import factories as f

POLICY = load_policy()
CTX = RecordContext(SourceRecord("t", 0, 0, None, None), attempt=1, group="g")


class Rows:
    def __init__(self, rows: dict[str, Any] | None = None) -> None:
        self.rows = rows or {}

    def get(self, key: str) -> Any:
        return self.rows.get(key)

    def in_group(self, group: str) -> dict[str, Any]:
        return {k: v for k, v in self.rows.items() if customer_of(k) == group}

    async def put(self, key: str, row: Any) -> None:
        if row is None:
            self.rows.pop(key, None)
        else:
            self.rows[key] = row


class Step:
    def __init__(self) -> None:
        self.requests: list[DocumentRequest] = []

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        self.requests.append(request)
        return DocumentOutcome(skipped=False, entry=None)


def sender(
    profile: MarketingProfile | None,
    step: Step,
    contacts: Rows,
    registry: CollectorRegistry,
    now: datetime,
    erased: frozenset[str] = frozenset(),
) -> MarketingSender:
    profiles = Rows({profile.key: profile} if profile else {})
    return MarketingSender(
        use_case="retention",
        rules=load_rules(None, use_cases=use_case_names()),
        step=step,
        profiles=profiles,
        contacts=ContactLog(contacts, POLICY),
        policy=POLICY,
        is_sent=lambda _k: False,
        now=lambda: now,
        metrics=MarketingMetrics(registry),
        erased=lambda _store, customer_id: customer_id in erased,
    )


def suppressed(registry: CollectorRegistry, reason: str) -> float:
    value = registry.get_sample_value(
        "bcx_marketing_suppressed_total", {"use_case": "retention", "reason": reason}
    )
    return value or 0.0


class TestSender:
    def test_a_letter_goes_and_is_recorded(self) -> None:
        """An accepted abandoned-cart letter reaches the step once and lands in the contact history."""
        profile = folded(None, f.customer(7), POLICY, 7)
        step, contacts, registry = Step(), Rows(), CollectorRegistry()
        candidate = cart_letter(f.cart("c1", 7))
        assert candidate is not None
        sent = asyncio.run(sender(profile, step, contacts, registry, f.T0).send(candidate, CTX))
        assert sent.outcomes == ["abandoned_cart_reminder:done"]
        assert [r.decision.document_type for r in step.requests] == ["abandoned_cart_reminder"]
        assert step.requests[0].driver_data["lines"][0]["quantity"] == 2
        history = ContactLog(contacts, POLICY).history(f"{f.STORE}:7")
        assert history is not None
        assert [c.document_type for c in history.contacts] == ["abandoned_cart_reminder"]
        [key] = contacts.rows
        assert key.startswith(f"{f.STORE}:7:")  # its own row: another flow's write cannot replace it

    def test_a_suppressed_letter_never_reaches_exstream_and_is_counted(self) -> None:
        """Without abandoned-cart consent the step is not called and the reason is counted."""
        profile = folded(None, f.customer(7, cart_emails=False), POLICY, 7)
        step, registry = Step(), CollectorRegistry()
        candidate = cart_letter(f.cart("c1", 7))
        assert candidate is not None
        sent = asyncio.run(sender(profile, step, Rows(), registry, f.T0).send(candidate, CTX))
        assert step.requests == []
        assert [s.reason for s in sent.suppressed] == ["no_abandoned_cart_consent"]
        assert suppressed(registry, "no_abandoned_cart_consent") == 1

    def test_a_guest_cart_is_counted_as_no_profile(self) -> None:
        """A cart without a known customer is suppressed as no_profile, not dropped silently."""
        step, registry = Step(), CollectorRegistry()
        candidate = cart_letter(f.cart("c1", 0))
        assert candidate is not None
        asyncio.run(sender(None, step, Rows(), registry, f.T0).send(candidate, CTX))
        assert suppressed(registry, "no_profile") == 1

    def test_a_cart_before_its_customers_record_is_judged_by_the_customer_it_carries(self) -> None:
        """A registered customer whose own record has not reached the profiles (no profile, or one made
        from an order alone): the letter goes to the contact the cart carries, under its consent."""
        candidate = cart_letter(f.cart("c1", 7))
        assert candidate is not None
        order_only = folded(None, f.order(1, 7), POLICY, 7)
        for profile in (None, order_only):
            step = Step()
            sent = asyncio.run(sender(profile, step, Rows(), CollectorRegistry(), f.T0).send(candidate, CTX))
            assert sent.outcomes == ["abandoned_cart_reminder:done"]
            [request] = step.requests
            assert request.driver_data["email"] == "cart-7@example.com"
            assert request.driver_data["customer"]["last_name"] == "Shopper 7"

    def test_the_carts_customer_declining_abandoned_cart_emails_gets_nothing(self) -> None:
        """The cart's own consent governs too: declined (or unknown) means suppressed, as for a profile."""
        candidate = cart_letter(f.cart("c1", 7, accepts=False))
        assert candidate is not None
        step, registry = Step(), CollectorRegistry()
        sent = asyncio.run(sender(None, step, Rows(), registry, f.T0).send(candidate, CTX))
        assert step.requests == []
        assert [s.reason for s in sent.suppressed] == ["no_abandoned_cart_consent"]

    def test_the_customers_own_record_wins_over_what_the_cart_carries(self) -> None:
        """Once the customer's record is in the profiles, its contact and consent decide."""
        candidate = cart_letter(f.cart("c1", 7))
        assert candidate is not None
        declined = folded(None, f.customer(7, cart_emails=False), POLICY, 7)
        step, registry = Step(), CollectorRegistry()
        sent = asyncio.run(sender(declined, step, Rows(), registry, f.T0).send(candidate, CTX))
        assert step.requests == []
        assert [s.reason for s in sent.suppressed] == ["no_abandoned_cart_consent"]

    def test_letters_chosen_from_the_profiles_are_judged_as_they_stand(self) -> None:
        """A price drop for a customer known only by an order (no customer record) has no contact to go
        to: the candidate came from the profiles, and routing finds no channel to reach them by."""
        profile = folded(None, f.order(1, 7), POLICY, 7)  # bought product 11
        assert profile is not None
        snap = f.product(11, "100")
        assert snap.product is not None
        snap = snap.model_copy(
            update={"product": snap.product.model_copy(update={"sale_price": Decimal(50)})}
        )
        [candidate] = price_drop_letters(snap, [profile], POLICY.triggers.price_drop_min_percent)
        step, registry = Step(), CollectorRegistry()
        sent = asyncio.run(sender(profile, step, Rows(), registry, f.T0).send(candidate, CTX))
        assert step.requests == []
        assert sent.not_due == ["price_drop_brochure: no channel can reach the customer"]

    def test_an_erased_customer_gets_nothing(self) -> None:
        """An erased customer's letter is suppressed as erased even with every consent given."""
        profile = folded(None, f.customer(7), POLICY, 7)
        step, registry = Step(), CollectorRegistry()
        candidate = cart_letter(f.cart("c1", 7))
        assert candidate is not None
        asyncio.run(sender(profile, step, Rows(), registry, f.T0, frozenset({"7"})).send(candidate, CTX))
        assert step.requests == []
        assert suppressed(registry, "erased") == 1


class YieldingStep(Step):
    """A document step that gives the loop away mid-call, as a real Exstream call does."""

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        await asyncio.sleep(0.01)
        return await super().run(request, ctx)


class TestOneCustomerAtATime:
    def test_concurrent_letters_to_one_customer_respect_the_daily_cap(self) -> None:
        """Two abandoned carts of one customer handled at the same time (different Kafka keys): the
        one-per-day cap lets exactly one letter through, the other is suppressed by the cap."""
        profile = folded(None, f.customer(7), POLICY, 7)
        step, contacts, registry = YieldingStep(), Rows(), CollectorRegistry()
        marketing = sender(profile, step, contacts, registry, f.T0)
        first, second = cart_letter(f.cart("c1", 7)), cart_letter(f.cart("c2", 7))
        assert first is not None
        assert second is not None

        async def both() -> list[Any]:
            return list(await asyncio.gather(marketing.send(first, CTX), marketing.send(second, CTX)))

        sent = asyncio.run(both())
        assert len(step.requests) == 1
        assert sorted(s.reason for result in sent for s in result.suppressed) == ["cap_marketing_1_per_1d"]
