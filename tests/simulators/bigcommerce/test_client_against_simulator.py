"""The client's high-level reads return consistent snapshots from the simulated store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from bcx.bigcommerce.errors import AuthError, NotFound, ServerError
from bcx.bigcommerce.models import OrderStatus, PageInput, WebhookInput
from bcx.bigcommerce.settings import StoreCredentials
from simulators.bigcommerce.app import create_app
from simulators.bigcommerce.config import FaultConfig, RateLimitConfig, SimulatorConfig
from simulators.bigcommerce.gen_catalog import cart_id, cart_token
from tests.simulators.bigcommerce.support import STORE, admin_for, client_for


def run(coro: Any) -> Any:
    return asyncio.run(coro)


CONFIG = SimulatorConfig(orders=80, customers=60, companies=5)


class TestOrders:
    @pytest.mark.parametrize("status", list(OrderStatus))
    def test_every_status_has_a_consistent_snapshot(self, status: OrderStatus) -> None:
        """Order ``status+1`` has that status; shipments, refunds and transactions agree with it."""
        app = create_app(CONFIG)

        async def scenario() -> None:
            async with client_for(app) as client:
                snap = await client.get_order(STORE, int(status) + 1)
            assert snap.order.status_id == status
            assert snap.products
            assert snap.shipping_addresses
            assert snap.taxes
            assert sum(p.quantity for p in snap.products) == snap.order.items_total
            assert bool(snap.shipments) == (status in (2, 3, 4, 10, 14))
            assert bool(snap.refunds) == (status in (4, 14))
            assert bool(snap.transactions) == (status not in (0, 1))
            if status == OrderStatus.MANUAL_VERIFICATION_REQUIRED:
                assert snap.transactions[0].fraud_review
            line_total = sum((p.total_ex_tax for p in snap.products), Decimal(0))
            assert snap.order.subtotal_ex_tax == line_total

        run(scenario())

    def test_deleted_order_is_not_found_with_its_id(self) -> None:
        """After DELETE the order is NotFound(resource="order"), distinguishable from other failures."""
        app = create_app(CONFIG)

        async def scenario() -> None:
            async with client_for(app) as client:
                await client.http.request(STORE, "v2", "DELETE", "/orders/7")
                with pytest.raises(NotFound) as caught:
                    await client.get_order(STORE, 7)
            assert (caught.value.resource, caught.value.resource_id) == ("order", "7")

        run(scenario())

    def test_list_orders_since_returns_only_later_modifications_in_order(self) -> None:
        """list_orders(since=T) yields orders modified at or after T, oldest first, across pages."""
        app = create_app(SimulatorConfig(orders=600))
        since = datetime(2025, 11, 1, tzinfo=UTC)

        async def scenario() -> list[Any]:
            async with client_for(app) as client:
                return [o async for o in client.list_orders(STORE, since=since)]

        orders = run(scenario())
        assert len(orders) > 50
        modified = [o.date_modified for o in orders]
        assert all(m is not None and m >= since for m in modified)
        assert modified == sorted(modified)

    def test_list_customers_follows_cursors_across_pages(self) -> None:
        """list_customers walks every cursor page and yields each customer once, oldest change first."""
        app = create_app(SimulatorConfig(orders=40, customers=600))

        async def scenario() -> list[Any]:
            async with client_for(app) as client:
                return [c async for c in client.list_customers(STORE, since=datetime(2020, 1, 1, tzinfo=UTC))]

        customers = run(scenario())
        assert sorted(c.id for c in customers) == list(range(1, 601))
        modified = [c.date_modified for c in customers]
        assert modified == sorted(modified)

    def test_refund_lookup_by_id_matches_the_order(self) -> None:
        """get_refund(id from a refund webhook) returns the refund of the right order."""
        app = create_app(CONFIG)

        async def scenario() -> None:
            async with client_for(app) as client:
                snap = await client.get_order(STORE, 5)
                refund = await client.get_refund(STORE, snap.refunds[0].id)
            assert refund.order_id == 5
            assert refund.total_amount > 0

        run(scenario())


class TestOtherEntities:
    def test_customer_snapshot_has_group_and_named_preferences(self) -> None:
        """get_customer resolves attribute names and the customer group; unknown ids are NotFound."""
        app = create_app(CONFIG)

        async def scenario() -> None:
            async with client_for(app) as client:
                snap = await client.get_customer(STORE, 3)
                assert snap.group is not None
                assert snap.group.id == snap.customer.customer_group_id
                assert snap.preference("document_delivery") in ("email", "portal", "print")
                assert snap.preference("preferred_language") in ("en", "de", "fr", "nl", "es")
                with pytest.raises(NotFound):
                    await client.get_customer(STORE, 10_000)

        run(scenario())

    def test_product_snapshot_has_variants_custom_fields_and_price_records(self) -> None:
        """get_product includes variants, custom fields and records from every price list."""
        app = create_app(CONFIG)

        async def scenario() -> None:
            async with client_for(app) as client:
                snap = await client.get_product(STORE, 4)
            assert snap.product.variants
            assert snap.product.custom_fields
            assert {r.price_list_id for r in snap.price_records} == {1, 2}
            assert {r.variant_id for r in snap.price_records} == {v.id for v in snap.product.variants}

        run(scenario())

    def test_cart_and_abandoned_token_resolve(self) -> None:
        """get_abandoned_cart(token) names the cart that get_cart reads."""
        app = create_app(CONFIG)
        cart = cart_id(app.state.sim.stores[STORE].seed, 4)

        async def scenario() -> None:
            async with client_for(app) as client:
                found = await client.get_abandoned_cart(STORE, cart_token(cart))
                assert found.cart_id == cart
                assert (await client.get_cart(STORE, cart)).line_items.physical_items

        run(scenario())

    def test_company_snapshot_has_credit_terms_and_only_open_invoices(self) -> None:
        """get_company returns credit, payment terms, invoices that are open or partially paid, and the
        company's users with their BigCommerce customer ids."""
        app = create_app(CONFIG)

        async def scenario() -> None:
            async with client_for(app) as client:
                snaps = [await client.get_company(STORE, i) for i in range(1, 6)]
            assert all(s.credit is not None and s.payment_terms is not None for s in snaps)
            invoices = [i for s in snaps for i in s.invoices]
            assert invoices
            assert all(i.status in (0, 1) for i in invoices)
            assert [[(u.customer_id, u.role) for u in s.users] for s in snaps[:2]] == [
                [(1, 0), (2, 1)],
                [(3, 0), (4, 1)],
            ]
            assert all(u.email and u.company_id == s.company.company_id for s in snaps for u in s.users)

        run(scenario())


class TestHooksAndPages:
    def test_hooks_crud_and_admin_report_deactivation(self) -> None:
        """Hooks can be created, updated, listed; a deactivated hook shows in /v3/hooks/admin."""
        app = create_app(CONFIG)

        async def scenario() -> None:
            async with client_for(app) as client, admin_for(app) as admin:
                hook = await client.create_hook(
                    STORE,
                    WebhookInput(
                        scope="store/order/*", destination="https://b.example/h", headers={"X-S": "1"}
                    ),
                )
                await admin.post(f"/_sim/stores/{STORE}/hooks/{hook.id}/deactivate")
                status = await client.get_hooks_admin(STORE)
                assert status.hooks_list[0].status == "deactivated"
                revived = await client.update_hook(STORE, hook.id, WebhookInput(is_active=True))
                assert revived.is_active
                assert (await client.get_hooks_admin(STORE)).hooks_list[0].status == "active"
                await client.set_hooks_admin_emails(STORE, ["ops@example.com"])
                assert (await client.get_hooks_admin(STORE)).emails == ["ops@example.com"]
                await client.delete_hook(STORE, hook.id)
                assert await client.list_hooks(STORE) == []

        run(scenario())

    def test_pages_crud(self) -> None:
        """A policy page can be created, updated with a new body, read back and deleted."""
        app = create_app(CONFIG)

        async def scenario() -> None:
            async with client_for(app) as client:
                page = await client.create_page(
                    STORE, PageInput(name="Returns", type="page", body="<p>v1</p>")
                )
                await client.update_page(STORE, page.id, PageInput(body="<p>v2</p>"))
                assert (await client.get_page(STORE, page.id)).body == "<p>v2</p>"
                assert any(p.name == "Returns" for p in await client.list_pages(STORE))
                await client.delete_page(STORE, page.id)
                with pytest.raises(NotFound):
                    await client.get_page(STORE, page.id)

        run(scenario())


class TestLimitsAndFaults:
    def test_rate_limited_store_is_read_without_errors(self) -> None:
        """With a quota of 5 per window the client waits for resets and every read succeeds."""
        now = [0.0]
        app = create_app(
            SimulatorConfig(orders=40, rate_limit=RateLimitConfig(quota=5, window_ms=1000)),
            monotonic=lambda: now[0],
        )

        async def sleep(seconds: float) -> None:
            now[0] += seconds  # simulator and client share the fake clock: waiting refills the window

        async def scenario() -> None:
            async with client_for(app, clock=lambda: now[0], sleep=sleep) as client:
                snaps = [await client.get_order(STORE, i) for i in (3, 5, 11)]
            assert [s.order.id for s in snaps] == [3, 5, 11]

        run(scenario())
        stats = app.state.sim.gateway.requests
        assert sum(v for k, v in stats.items() if not k.endswith("|429")) >= 24

    def test_injected_server_errors_are_retried_or_surface_as_retryable(self) -> None:
        """At a 100 % error rate reads fail with ServerError after the retry budget."""
        app = create_app(SimulatorConfig(orders=10, faults=FaultConfig(error_rate=1.0)))

        async def scenario() -> None:
            async with client_for(app) as client:
                with pytest.raises(ServerError):
                    await client.get_store_information(STORE)

        run(scenario())
        assert app.state.sim.gateway.requests[f"{STORE}|GET /v2/store"] == 4

    def test_wrong_token_is_an_auth_error(self) -> None:
        """The simulator rejects an unknown X-Auth-Token with 401, which the client reports as AuthError."""
        app = create_app(CONFIG)
        bad = (StoreCredentials(store_hash=STORE, access_token=SecretStr("nope")),)

        async def scenario() -> None:
            async with client_for(app, stores=bad) as client:
                with pytest.raises(AuthError):
                    await client.get_store_information(STORE)

        run(scenario())
