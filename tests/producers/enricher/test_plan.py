"""Which snapshots each webhook family calls for."""

from __future__ import annotations

import pytest

from producers.enricher.errors import UnenrichableEvent
from producers.enricher.plan import Target, metric_scope, normalise_scope, plan, status_transition
from tests.producers.enricher.events import event


class TestPlan:
    @pytest.mark.parametrize(
        ("scope", "data", "targets"),
        [
            ("store/order/created", {"type": "order", "id": 250}, [Target("order", "250")]),
            (
                "store/order/statusUpdated",
                {"type": "order", "id": 250, "status": {"previous_status_id": 0, "new_status_id": 11}},
                [Target("order", "250")],
            ),
            (
                "store/order/refund/created",
                {"type": "order", "id": 250, "refund": {"refund_id": 3}},
                [Target("order", "250"), Target("refund", "3", order_id=250)],
            ),
            (
                "store/order/transaction/created",
                {"type": "transaction", "order_id": "250"},
                [Target("order", "250")],
            ),
            (
                "store/shipment/created",
                {"type": "shipment", "id": 12, "orderId": 251},
                [Target("order", "251")],
            ),
            ("store/customer/created", {"type": "customer", "id": 32}, [Target("customer", "32")]),
            (
                "store/customer/address/updated",
                {"type": "customer", "id": 60, "address": {"customer_id": 32}},
                [Target("customer", "32")],
            ),
            (
                "store/cart/abandoned",
                {"type": "cart", "id": "09346904-4175", "token": "t"},
                [Target("cart", "09346904-4175")],
            ),
            (
                "store/cart/lineItem/created",
                {"type": "cart_line_item", "id": "li", "cartId": "c-1"},
                [Target("cart", "c-1")],
            ),
            ("store/product/updated", {"type": "product", "id": 205}, [Target("product", "205")]),
            (
                "store/product/inventory/updated",
                {
                    "type": "product",
                    "id": 205,
                    "inventory": {"product_id": 205, "method": "absolute", "value": 5},
                },
                [Target("product", "205")],
            ),
            (
                "store/sku/updated",
                {"type": "sku", "id": 9, "sku": {"product_id": 205, "variant_id": 9}},
                [Target("product", "205")],
            ),
            ("store/company/updated", {"company_id": 7}, [Target("company", "7")]),
            ("store/channel/2/order/created", {"order_id": 250}, [Target("order", "250")]),
            ("store/channel/2/cart/abandoned", {"cart_id": "c-2"}, [Target("cart", "c-2")]),
        ],
    )
    def test_targets(self, scope: str, data: dict[str, object], targets: list[Target]) -> None:
        """Each payload family names the entity the snapshot is about, whatever field it uses."""
        assert list(plan(event(scope, data)).targets) == targets

    @pytest.mark.parametrize(
        "scope",
        [
            "store/category/created",
            "store/subscriber/created",
            "store/order/metafield/created",
            "store/information/updated",
        ],
    )
    def test_ignored(self, scope: str) -> None:
        """Scopes without a snapshot topic plan nothing and say why."""
        planned = plan(event(scope, {"type": "x", "id": 1}))
        assert planned.targets == ()
        assert planned.ignored

    def test_missing_id_is_unenrichable(self) -> None:
        """An order event without an id cannot be enriched and is classified as such."""
        with pytest.raises(UnenrichableEvent) as caught:
            plan(event("store/order/created", {"type": "order"}))
        assert caught.value.error_class == "event.missing_id"

    def test_non_numeric_order_id(self) -> None:
        """A non-numeric order id is rejected rather than sent to the API."""
        with pytest.raises(UnenrichableEvent):
            plan(event("store/order/created", {"type": "order", "id": "../x"}))


class TestScopes:
    def test_channel_scopes_normalise(self) -> None:
        """Channel-scoped scopes plan like store-level ones but keep a bounded metric label."""
        assert normalise_scope("store/channel/12/order/created/") == "store/order/created"
        assert metric_scope("store/channel/12/order/created") == "store/channel/*/order/created"

    def test_status_transition(self) -> None:
        """statusUpdated carries the previous and new status; other events carry none."""
        data = {"type": "order", "id": 1, "status": {"previous_status_id": 0, "new_status_id": 11}}
        assert status_transition(event("store/order/statusUpdated", data)) == (0, 11)
        assert status_transition(event("store/order/created", {"type": "order", "id": 1})) == (None, None)


class TestSweepScopes:
    def test_a_delayed_order_sweep_event_plans_its_order(self) -> None:
        """`bcx sweep delayed-orders` events name the order by ``id``, like store/order events."""
        from bcx.contracts.webhook_event import DELAYED_ORDER_SCOPE
        from producers.enricher.plan import Target, plan
        from tests.producers.enricher.events import event

        planned = plan(event(DELAYED_ORDER_SCOPE, {"type": "order", "id": 42, "delay": 1}))
        assert planned.targets == (Target("order", "42"),)
