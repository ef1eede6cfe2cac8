"""Campaigns as data, sweeps and catalog content: who is in and why, what is due, which products."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bcx.contracts.marketing_profiles import MarketingProfile
from bcx.errors import ConfigurationError
from consumers.customer_profiles.processor import folded
from consumers.marketing.campaign import Campaign, Condition, Products, load_campaign
from consumers.marketing.catalog import index, select_products
from consumers.marketing.policy import load_policy
from consumers.marketing.runs import campaign_requests, plan, sweep_requests
from tests.consumers.marketing import factories as f

POLICY = load_policy()
NOW = f.T0 + f.days(100)


def customer(cid: int, *orders: tuple[int, float], marketing: bool = True) -> MarketingProfile:
    profile = folded(None, f.customer(cid, marketing=marketing), POLICY, cid)
    for order_id, days_ago in orders:
        profile = folded(profile, f.order(order_id, cid, at=NOW - f.days(days_ago)), POLICY, cid)
    assert profile is not None
    return profile


class TestCampaigns:
    def test_shipped_campaigns_load(self) -> None:
        """Every packaged campaign file validates."""
        assert load_campaign("spring-catalog").channel == "print"
        assert load_campaign("vip-email-brochure").channel == "email"

    def test_unknown_campaign_names_the_known_ones(self, tmp_path: Path) -> None:
        """Asking for a missing campaign is a configuration error listing what exists."""
        with pytest.raises(ConfigurationError, match="known: none"):
            load_campaign("nope", tmp_path)

    def test_plan_explains_in_out_and_suppressed(self) -> None:
        """The plan says who is in, who fails which condition, and who consent would stop now."""
        campaign = Campaign(name="c", run_id="r1", audience=[Condition(field="order_count", gte=Decimal(1))])
        profiles = [customer(1, (1, 5)), customer(2), customer(3, (3, 5), marketing=False)]
        result = plan(campaign, profiles, lambda _k: None, POLICY, NOW)
        reasons = {v.customer_id: v.reason for v in result.verdicts}
        assert reasons[1] == "in"
        assert reasons[2].startswith("audience: order_count=0 fails gte")
        assert reasons[3] == "suppressed: no_marketing_consent"
        assert result.deliverable == 1

    def test_requests_are_one_per_member_and_idempotent(self) -> None:
        """A run makes one request per audience member whose id is the same however often it runs."""
        campaign = Campaign(name="c", run_id="r1", products=Products(categories=[9], max_items=2))
        profiles = [customer(1, (1, 5)), customer(2, (2, 5))]
        result = plan(campaign, profiles, lambda _k: None, POLICY, NOW)
        by_key = {p.key: p for p in profiles}
        products = [f.product(60 + i, "10", categories=(9,)) for i in range(3)]
        first = campaign_requests(campaign, result, by_key, products, NOW)
        again = campaign_requests(campaign, result, by_key, products, NOW + f.days(1))
        assert [r.request_id for r in first] == [r.request_id for r in again]
        assert first[0].product_ids == [60, 61]


class TestCatalogContent:
    def test_customer_categories_come_first(self) -> None:
        """The customer's own categories fill the catalog before the campaign's."""
        products = index([f.product(1, "5", categories=(9,)), f.product(2, "5", categories=(5,))])
        chosen = select_products(Products(categories=[9]), customer(1, (1, 5)), products)
        assert chosen == [2, 1]  # the customer bought in category 5


class TestSweeps:
    def test_each_sweep_finds_its_state(self) -> None:
        """Replenishment after the mean interval, win-back past the threshold; the last order names each."""
        regular = customer(1, (1, 90), (2, 60), (3, 35))
        lapsed = customer(2, (4, 200))
        found = {
            s: [(r.customer_id, r.run_id) for r in sweep_requests(s, [regular, lapsed], POLICY, NOW)]
            for s in ("replenishment", "win-back", "abandoned-carts")
        }
        assert found == {"replenishment": [(1, "3")], "win-back": [(2, "4")], "abandoned-carts": []}

    def test_an_open_cart_is_reminded_after_the_delay(self) -> None:
        """A cart abandoned 30 hours ago is due its second reminder; one abandoned 2 hours ago is not."""
        profile = folded(customer(1), f.cart("old", 1, at=NOW - f.days(30 / 24)), POLICY, 1)
        profile = folded(profile, f.cart("new", 1, at=NOW - f.days(2 / 24)), POLICY, 1)
        assert profile is not None
        due = sweep_requests("abandoned-carts", [profile], POLICY, NOW)
        assert [r.run_id for r in due] == ["old"]
