"""The sync planner: desired subscriptions + the hooks BigCommerce reports → actions. Pure.

A hook is **ours** when it points at our destination or carries our secret header with our secret value
(so hooks survive a destination move: they are updated, not duplicated). Per needed scope the planner keeps
the one of ours that needs the fewest changes and

- ``create``\\s it when there is none;
- ``update``\\s it when destination or headers differ (re-activating it in the same request);
- ``reactivate``\\s it when only ``is_active`` is false (BigCommerce deactivates after 48 h of failures);
- leaves it (``ok``) otherwise.

Our other hooks (scopes no enabled use case needs, duplicates of a needed scope) are ``extra`` and left
alone unless ``prune``, then ``delete``\\d. Hooks that are not ours are ``foreign`` and never touched: the
same API account may serve other integrations. Applying a plan and planning again yields only ``ok``,
``extra`` and ``foreign``: sync is idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import SecretStr

from bcx.bigcommerce.models.webhooks import Webhook, WebhookInput


@dataclass(frozen=True)
class Endpoint:
    """Where hooks point and the custom header they send (``secret`` may be ``None``: signatures only)."""

    destination: str
    secret_header: str
    secret: SecretStr | None

    def headers(self) -> dict[str, str]:
        """The ``headers`` field of a hook; contains the secret, so never print it."""
        return {} if self.secret is None else {self.secret_header: self.secret.get_secret_value()}

    def headers_match(self, hook: Webhook) -> bool:
        return _folded(hook.headers or {}) == _folded(self.headers())

    def owns(self, hook: Webhook) -> bool:
        if hook.destination == self.destination:
            return True
        if self.secret is None:
            return False
        sent = _folded(hook.headers or {}).get(self.secret_header.lower())
        return sent == self.secret.get_secret_value()


def _folded(headers: Mapping[str, str]) -> dict[str, str]:
    # HTTP header names are case-insensitive; BigCommerce may echo them in another case.
    return {name.lower(): value for name, value in headers.items()}


def normalise_scope(scope: str) -> str:
    """BigCommerce's catalogue has stray trailing slashes (``store/order/created/``)."""
    return scope.strip().rstrip("/")


class ActionKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REACTIVATE = "reactivate"
    DELETE = "delete"
    OK = "ok"
    EXTRA = "extra"
    FOREIGN = "foreign"


MUTATING = frozenset({ActionKind.CREATE, ActionKind.UPDATE, ActionKind.REACTIVATE, ActionKind.DELETE})


@dataclass(frozen=True)
class HookAction:
    """One line of a plan. Holds no secret: the request body is built by :func:`request_body`."""

    kind: ActionKind
    scope: str
    hook_id: int | None = None
    #: what differs: ``destination``, ``headers``, ``is_active``
    changes: tuple[str, ...] = ()
    #: the enabled use cases needing this scope (empty for extra/foreign hooks)
    use_cases: tuple[str, ...] = ()
    #: where the hook points now (or will, for a create)
    destination: str = ""

    @property
    def mutates(self) -> bool:
        return self.kind in MUTATING


@dataclass(frozen=True)
class SyncPlan:
    actions: tuple[HookAction, ...]

    @property
    def changes(self) -> tuple[HookAction, ...]:
        return tuple(a for a in self.actions if a.mutates)

    @property
    def is_noop(self) -> bool:
        return not self.changes

    def count(self, kind: ActionKind) -> int:
        return sum(1 for a in self.actions if a.kind is kind)


def _differences(hook: Webhook, endpoint: Endpoint) -> tuple[str, ...]:
    found = []
    if hook.destination != endpoint.destination:
        found.append("destination")
    if not endpoint.headers_match(hook):
        found.append("headers")
    if not hook.is_active:
        found.append("is_active")
    return tuple(found)


def plan_sync(
    wanted: Mapping[str, Sequence[str]],
    hooks: Sequence[Webhook],
    endpoint: Endpoint,
    *,
    prune: bool = False,
) -> SyncPlan:
    """Actions making ``hooks`` provide each scope of ``wanted`` (scope → use cases) at ``endpoint``."""
    ours: dict[str, list[Webhook]] = {}
    actions: list[HookAction] = []
    for hook in hooks:
        if endpoint.owns(hook):
            ours.setdefault(normalise_scope(hook.scope), []).append(hook)
        else:
            actions.append(HookAction(ActionKind.FOREIGN, hook.scope, hook.id, destination=hook.destination))
    leftover = ActionKind.DELETE if prune else ActionKind.EXTRA
    for scope in sorted(set(wanted) | set(ours)):
        use_cases = tuple(wanted.get(scope, ()))
        candidates = sorted(ours.get(scope, []), key=lambda h: (len(_differences(h, endpoint)), h.id))
        if use_cases and not candidates:
            actions.append(
                HookAction(ActionKind.CREATE, scope, use_cases=use_cases, destination=endpoint.destination)
            )
        if use_cases and candidates:
            keep, candidates = candidates[0], candidates[1:]
            changes = _differences(keep, endpoint)
            kind = (
                ActionKind.OK
                if not changes
                else ActionKind.REACTIVATE
                if changes == ("is_active",)
                else ActionKind.UPDATE
            )
            actions.append(HookAction(kind, keep.scope, keep.id, changes, use_cases, keep.destination))
        actions.extend(HookAction(leftover, h.scope, h.id, destination=h.destination) for h in candidates)
    order = {kind: index for index, kind in enumerate(ActionKind)}
    actions.sort(key=lambda a: (a.kind is ActionKind.FOREIGN, a.scope, order[a.kind], a.hook_id or 0))
    return SyncPlan(tuple(actions))


def request_body(action: HookAction, endpoint: Endpoint) -> WebhookInput | None:
    """The ``POST``/``PUT`` body of a create/update/reactivate (with the secret header), else ``None``."""
    if action.kind is ActionKind.CREATE:
        return WebhookInput(
            scope=action.scope, destination=endpoint.destination, is_active=True, headers=endpoint.headers()
        )
    if action.kind is ActionKind.UPDATE:
        return WebhookInput(destination=endpoint.destination, is_active=True, headers=endpoint.headers())
    if action.kind is ActionKind.REACTIVATE:
        return WebhookInput(is_active=True)
    return None
