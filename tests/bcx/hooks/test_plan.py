"""The sync planner: every action kind, prune, ownership, idempotence."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from bcx.bigcommerce.models.webhooks import Webhook
from bcx.hooks.plan import ActionKind, Endpoint, HookAction, SyncPlan, plan_sync, request_body

DEST = "https://hooks.example.com/webhooks/bigcommerce"
SECRET = "s3cr3t-planner-value"
ENDPOINT = Endpoint(DEST, "X-Bcx-Webhook-Secret", SecretStr(SECRET))
WANTED = {"store/order/created": ("order-documents",), "store/order/refund/created": ("returns",)}


def hook(hook_id: int, scope: str, **overrides: Any) -> Webhook:
    fields: dict[str, Any] = {
        "id": hook_id,
        "scope": scope,
        "destination": DEST,
        "headers": {"X-Bcx-Webhook-Secret": SECRET},
        "is_active": True,
    }
    return Webhook.model_validate(fields | overrides)


def kinds(plan: SyncPlan) -> dict[tuple[str, int | None], ActionKind]:
    return {(a.scope, a.hook_id): a.kind for a in plan.actions}


def apply(plan: SyncPlan, hooks: list[Webhook]) -> list[Webhook]:
    """What BigCommerce would hold after the plan's requests (the planner's contract with the service)."""
    by_id = {h.id: h for h in hooks}
    for action in plan.changes:
        body = request_body(action, ENDPOINT)
        if action.kind is ActionKind.DELETE and action.hook_id is not None:
            del by_id[action.hook_id]
        elif action.kind is ActionKind.CREATE and body is not None:
            new_id = max(by_id, default=0) + 1
            by_id[new_id] = Webhook.model_validate({"id": new_id, **body.model_dump(exclude_none=True)})
        elif action.hook_id is not None and body is not None:
            current = by_id[action.hook_id]
            by_id[action.hook_id] = current.model_copy(update=body.model_dump(exclude_none=True))
    return list(by_id.values())


class TestActions:
    def test_missing_scopes_are_created_with_the_secret_header(self) -> None:
        """With no hooks, every wanted scope gets a create whose body carries destination and header."""
        plan = plan_sync(WANTED, [], ENDPOINT)
        assert [(a.kind, a.scope) for a in plan.actions] == [
            (ActionKind.CREATE, "store/order/created"),
            (ActionKind.CREATE, "store/order/refund/created"),
        ]
        body = request_body(plan.actions[0], ENDPOINT)
        assert body is not None
        assert body.scope == "store/order/created"
        assert body.destination == DEST
        assert body.is_active is True
        assert body.headers == {"X-Bcx-Webhook-Secret": SECRET}
        assert plan.actions[1].use_cases == ("returns",)

    def test_matching_hooks_are_ok(self) -> None:
        """Hooks that already match destination, header and activity plan nothing."""
        plan = plan_sync(
            WANTED, [hook(1, "store/order/created"), hook(2, "store/order/refund/created")], ENDPOINT
        )
        assert plan.is_noop
        assert plan.count(ActionKind.OK) == 2

    def test_a_deactivated_hook_is_reactivated(self) -> None:
        """A hook of ours that only lost is_active is reactivated with a minimal PUT body."""
        plan = plan_sync(
            WANTED,
            [hook(1, "store/order/created", is_active=False), hook(2, "store/order/refund/created")],
            ENDPOINT,
        )
        action = next(a for a in plan.actions if a.hook_id == 1)
        assert action.kind is ActionKind.REACTIVATE
        assert action.changes == ("is_active",)
        body = request_body(action, ENDPOINT)
        assert body is not None
        assert body.model_dump(exclude_none=True) == {"is_active": True}

    def test_a_wrong_secret_is_updated(self) -> None:
        """A hook at our destination with a stale secret value is updated with the current header."""
        stale = hook(1, "store/order/created", headers={"X-Bcx-Webhook-Secret": "old"})
        plan = plan_sync({"store/order/created": ("order-documents",)}, [stale], ENDPOINT)
        (action,) = plan.actions
        assert (action.kind, action.changes) == (ActionKind.UPDATE, ("headers",))
        body = request_body(action, ENDPOINT)
        assert body is not None
        assert body.headers == {"X-Bcx-Webhook-Secret": SECRET}

    def test_a_moved_destination_is_updated_not_duplicated(self) -> None:
        """A hook with our secret but an old, inactive destination is updated and reactivated in place."""
        moved = hook(5, "store/order/created", destination="https://old.example.com/hooks", is_active=False)
        plan = plan_sync({"store/order/created": ("order-documents",)}, [moved], ENDPOINT)
        (action,) = plan.actions
        assert action.kind is ActionKind.UPDATE
        assert action.changes == ("destination", "is_active")
        body = request_body(action, ENDPOINT)
        assert body is not None
        assert (body.destination, body.is_active) == (DEST, True)

    def test_header_names_compare_case_insensitively(self) -> None:
        """BigCommerce echoing the header name in another case is not a difference."""
        lower = hook(1, "store/order/created", headers={"x-bcx-webhook-secret": SECRET})
        assert plan_sync({"store/order/created": ("x",)}, [lower], ENDPOINT).is_noop

    def test_foreign_hooks_are_never_touched(self) -> None:
        """Another integration's hook (other destination, not our secret) is foreign, even with prune."""
        other = hook(9, "store/order/created", destination="https://erp.example.net/in", headers=None)
        plan = plan_sync(WANTED, [other], ENDPOINT, prune=True)
        assert kinds(plan)[("store/order/created", 9)] is ActionKind.FOREIGN
        assert plan.count(ActionKind.CREATE) == 2
        assert plan.actions[-1].kind is ActionKind.FOREIGN

    def test_scope_trailing_slash_is_the_same_scope(self) -> None:
        """A scope echoed with BigCommerce's stray trailing slash satisfies the wanted scope."""
        assert plan_sync({"store/order/created": ("x",)}, [hook(1, "store/order/created/")], ENDPOINT).is_noop


class TestPrune:
    def test_unneeded_hooks_of_ours_are_extra_without_prune(self) -> None:
        """Our hooks for scopes no enabled use case needs are reported, not deleted, by default."""
        plan = plan_sync(
            {"store/order/created": ("x",)},
            [hook(1, "store/order/created"), hook(2, "store/cart/abandoned")],
            ENDPOINT,
        )
        assert kinds(plan)[("store/cart/abandoned", 2)] is ActionKind.EXTRA
        assert plan.is_noop

    def test_prune_deletes_unneeded_and_duplicate_hooks_of_ours(self) -> None:
        """With prune, unneeded hooks and duplicates of a needed scope are deleted; the best one is kept."""
        hooks = [
            hook(1, "store/order/created", is_active=False),
            hook(2, "store/order/created"),
            hook(3, "store/cart/abandoned"),
        ]
        plan = plan_sync({"store/order/created": ("x",)}, hooks, ENDPOINT, prune=True)
        assert kinds(plan) == {
            ("store/order/created", 2): ActionKind.OK,
            ("store/order/created", 1): ActionKind.DELETE,
            ("store/cart/abandoned", 3): ActionKind.DELETE,
        }
        assert request_body(plan.actions[0], ENDPOINT) is None


class TestIdempotence:
    def test_applying_a_plan_then_planning_again_changes_nothing(self) -> None:
        """Whatever the starting point, the plan after applying the first plan has no mutating action."""
        start = [
            hook(1, "store/order/created", is_active=False),
            hook(2, "store/order/refund/created", headers={"X-Bcx-Webhook-Secret": "old"}),
            hook(3, "store/cart/abandoned"),
            hook(4, "store/order/created", destination="https://erp.example.net/in", headers=None),
        ]
        first = plan_sync(WANTED | {"store/product/updated": ("catalogs",)}, start, ENDPOINT, prune=True)
        assert {a.kind for a in first.changes} == {
            ActionKind.CREATE,
            ActionKind.UPDATE,
            ActionKind.REACTIVATE,
            ActionKind.DELETE,
        }
        after = apply(first, start)
        second = plan_sync(WANTED | {"store/product/updated": ("catalogs",)}, after, ENDPOINT, prune=True)
        assert second.is_noop
        assert second.count(ActionKind.OK) == 3
        assert second.count(ActionKind.FOREIGN) == 1


class TestSecrets:
    def test_actions_and_plans_hold_no_secret(self) -> None:
        """The printable plan (repr of every action) never contains the secret value."""
        plan = plan_sync(
            WANTED, [hook(1, "store/order/created", headers={"X-Bcx-Webhook-Secret": "old"})], ENDPOINT
        )
        assert SECRET not in repr(plan)
        assert SECRET not in repr(ENDPOINT)
        assert all(isinstance(a, HookAction) for a in plan.actions)

    def test_without_a_secret_hooks_have_no_headers(self) -> None:
        """A signature-only store gets hooks without headers, and a hook still carrying headers is updated."""
        bare = Endpoint(DEST, "X-Bcx-Webhook-Secret", None)
        created = plan_sync({"store/order/created": ("x",)}, [], bare).actions[0]
        body = request_body(created, bare)
        assert body is not None
        assert body.headers == {}
        (update,) = plan_sync({"store/order/created": ("x",)}, [hook(1, "store/order/created")], bare).actions
        assert (update.kind, update.changes) == (ActionKind.UPDATE, ("headers",))
