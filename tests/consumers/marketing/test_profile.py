"""The profile fold: aggregates, scores, consent and the order independence a rebuild relies on."""

from __future__ import annotations

import itertools
from decimal import Decimal

from bcx.contracts.commerce_carts import CartSnapshotRecord
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.contracts.marketing_profiles import MarketingProfile
from consumers.customer_profiles.processor import cart_owner, customer_of, folded
from consumers.marketing.policy import load_policy
from consumers.marketing.profile import recency_score
from tests.consumers.marketing import factories as f

POLICY = load_policy()


def fold_all(snapshots: list[SnapshotEnvelope]) -> dict[int, MarketingProfile | None]:
    profiles: dict[int, MarketingProfile | None] = {}
    for snap in snapshots:
        cid = customer_of(snap)
        if not cid and isinstance(snap, CartSnapshotRecord):
            cid = cart_owner([p for p in profiles.values() if p], snap.entity_id)
        profiles[cid] = folded(profiles.get(cid), snap, POLICY, cid)
    return profiles


class TestAggregates:
    def test_orders_make_counts_value_scores_and_categories(self) -> None:
        """Three completed orders and a cancelled one: count 3, their sum, scores and bought categories."""
        profile = fold_all(
            [
                f.customer(7),
                f.order(1, 7, at=f.T0, total="100", products=((11, (5,)),)),
                f.order(2, 7, at=f.T0 + f.days(30), total="250", products=((12, (6, 5)),)),
                f.order(3, 7, at=f.T0 + f.days(60), total="200"),
                f.order(4, 7, at=f.T0 + f.days(90), total="999", status=5),
            ]
        )[7]
        assert profile is not None
        assert profile.order_count == 3
        assert profile.total_value == Decimal(550)
        assert (profile.first_order_at, profile.last_order_at) == (f.T0, f.T0 + f.days(60))
        assert (profile.frequency_score, profile.monetary_score) == (3, 3)
        assert profile.category_ids == [5, 6]
        assert profile.product_ids == [11, 12]
        assert profile.loyalty_tier == "Retail"

    def test_recency_is_scored_at_use(self) -> None:
        """Recency falls from 5 to 1 as the last order ages; a customer without orders scores 0."""
        profile = fold_all([f.order(1, 7, at=f.T0)])[7]
        assert profile is not None
        assert recency_score(profile, f.T0 + f.days(10), POLICY.scores) == 5
        assert recency_score(profile, f.T0 + f.days(400), POLICY.scores) == 1
        assert recency_score(f.customer_profile_without_orders(), f.T0, POLICY.scores) == 0

    def test_abandoned_cart_opens_and_conversion_closes(self) -> None:
        """An abandoned cart is open until its converted (deleted) snapshot arrives."""
        opened = fold_all([f.customer(7), f.cart("c-1", 7)])[7]
        assert opened is not None
        assert [c.cart_id for c in opened.open_carts] == ["c-1"]
        closed = fold_all([f.customer(7), f.cart("c-1", 7), f.cart("c-1", 7, abandoned=False, deleted=True)])
        assert closed[7] is not None
        assert closed[7].open_carts == []

    def test_a_cart_before_its_customers_record_lends_the_profile_its_customers_contact(self) -> None:
        """A cart folded before the customer's record fills the contact and the abandoned-cart consent
        (what the enricher attached to the cart), nothing more; the record, once folded, replaces it, so
        either order ends in the same profile."""
        early = fold_all([f.order(1, 7), f.cart("c-1", 7)])[7]
        assert early is not None
        assert (early.email, early.last_name) == ("cart-7@example.com", "Shopper 7")
        assert early.consent.abandoned_cart_emails is True
        assert early.consent.marketing is False
        assert early.customer_version is None
        both = [f.customer(7), f.order(1, 7), f.cart("c-1", 7)]
        assert fold_all(both[1:] + both[:1])[7] == fold_all(both)[7]
        known = fold_all(both)[7]
        assert known is not None
        assert known.email == "c7@example.com"  # the customer's record, not the cart's copy

    def test_consent_withdrawal_is_dated(self) -> None:
        """Marketing consent taken back records when; consent flags follow the customer snapshot."""
        later = f.T0 + f.days(3)
        profile = fold_all([f.customer(7), f.customer(7, at=later, marketing=False, do_not_mail=True)])[7]
        assert profile is not None
        assert profile.consent.marketing is False
        assert profile.consent.do_not_mail is True
        assert profile.consent.withdrawn_at == later

    def test_guests_have_no_profile(self) -> None:
        """An order by a guest (customer 0) folds into nothing."""
        assert customer_of(f.order(1, 0)) == 0


class TestRebuild:
    def test_any_interleaving_and_replays_give_the_same_profile(self) -> None:
        """Order snapshots in any order, replayed twice, fold to one profile: the rebuild guarantee."""
        orders: list[SnapshotEnvelope] = [
            f.order(i, 7, at=f.T0 + f.days(i), total=str(10 * i)) for i in range(1, 5)
        ]
        base = [f.customer(7), f.refund(1, 7), f.cart("c-9", 7)]
        expected = fold_all(base + orders)[7]
        for perm in itertools.permutations(orders):
            assert fold_all(base + list(perm) + list(perm))[7] == expected
