"""Applying a sync plan and reading the hooks status of a store, through :class:`BigCommerceClient`.

One store at a time; every call goes through the client's rate limiting and retries. A failed action is
recorded (error class and HTTP status only: BigCommerce's message could echo the request) and the others
still run, so one bad scope does not leave the rest of the store unsubscribed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.errors import BigCommerceError
from bcx.hooks.plan import ActionKind, Endpoint, HookAction, SyncPlan, plan_sync, request_body
from bcx.hooks.status import StatusReport, evaluate_status
from bcx.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class SyncResult:
    store_hash: str
    plan: SyncPlan
    #: each action with its outcome: ``done``, ``planned`` (dry run), ``failed: …`` or ``-`` (nothing to do)
    results: tuple[tuple[HookAction, str], ...]

    @property
    def failed(self) -> bool:
        return any(outcome.startswith("failed") for _, outcome in self.results)


async def _apply(
    client: BigCommerceClient, store_hash: str, action: HookAction, endpoint: Endpoint
) -> HookAction:
    """Carry out ``action``; a create comes back with the id BigCommerce gave the new hook."""
    body = request_body(action, endpoint)
    if action.kind is ActionKind.CREATE and body is not None:
        created = await client.create_hook(store_hash, body)
        return replace(action, hook_id=created.id)
    if action.hook_id is not None and body is not None:  # update, reactivate
        await client.update_hook(store_hash, action.hook_id, body)
    elif action.hook_id is not None and action.kind is ActionKind.DELETE:
        await client.delete_hook(store_hash, action.hook_id)
    return action


async def sync_store(
    client: BigCommerceClient,
    store_hash: str,
    wanted: Mapping[str, Sequence[str]],
    endpoint: Endpoint,
    *,
    prune: bool = False,
    dry_run: bool = False,
) -> SyncResult:
    """Plan against the hooks BigCommerce lists now, then apply the plan unless ``dry_run``."""
    plan = plan_sync(wanted, await client.list_hooks(store_hash), endpoint, prune=prune)
    results: list[tuple[HookAction, str]] = []
    for action in plan.actions:
        if not action.mutates:
            results.append((action, "-"))
            continue
        if dry_run:
            results.append((action, "planned"))
            continue
        try:
            action = await _apply(client, store_hash, action, endpoint)
        except BigCommerceError as exc:
            outcome = f"failed: {type(exc).__name__}" + (f" {exc.status}" if exc.status else "")
            log.warning(
                "hooks.action_failed",
                store_hash=store_hash,
                action=action.kind.value,
                scope=action.scope,
                hook_id=action.hook_id,
                error=type(exc).__name__,
                status=exc.status,
            )
        else:
            outcome = "done"
            log.info(
                "hooks.action",
                store_hash=store_hash,
                action=action.kind.value,
                scope=action.scope,
                hook_id=action.hook_id,
            )
        results.append((action, outcome))
    return SyncResult(store_hash, plan, tuple(results))


async def store_status(
    client: BigCommerceClient,
    store_hash: str,
    wanted: Mapping[str, Sequence[str]],
    endpoint: Endpoint,
    *,
    now: datetime,
) -> StatusReport:
    """``GET /v3/hooks/admin`` evaluated against what the enabled use cases need."""
    return evaluate_status(store_hash, wanted, await client.get_hooks_admin(store_hash), endpoint, now)
