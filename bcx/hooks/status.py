"""What ``bcx hooks status`` reports, from ``GET /v3/hooks/admin``. Pure (``now`` passed in).

BigCommerce deactivates a hook after 48 h of failed deliveries (``status: deactivated``) and blocklists a
destination *domain* for 3 minutes when under 90 % of its deliveries succeed in 2 minutes; events missed
while a hook is deactivated are never replayed (``bcx reconcile`` recovers them). The report is unhealthy
when a needed scope has no active hook of ours pointing at our destination with our header, or when our
destination's domain is blocked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from bcx.bigcommerce.models.webhooks import AdminHook, BlockedDomain, HooksAdmin
from bcx.hooks.plan import Endpoint, normalise_scope


def display_url(url: str) -> str:
    """``url`` safe to print: no credentials, query or fragment (they may carry tokens)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return url.split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return f"{parts.scheme}://{host}{parts.path}" + ("?..." if parts.query else "")


def domain_of(url: str) -> str:
    """The host of a URL, or of a bare ``domain[:port][/path]`` as ``blocked_domains`` may list it."""
    host = urlsplit(url if "://" in url else f"//{url}").hostname
    return (host or url).lower()


@dataclass(frozen=True)
class HookRow:
    scope: str
    hook_id: int | None
    destination: str
    #: ``active``, ``inactive``, ``deactivated`` (BigCommerce's), or ``missing`` (a needed scope without hook)
    status: str
    ours: bool
    use_cases: tuple[str, ...] = ()
    #: ours but pointing elsewhere or with other headers (``bcx hooks sync`` fixes it)
    drift: tuple[str, ...] = ()


@dataclass(frozen=True)
class BlockRow:
    destination: str
    time_left_s: int
    unblocks_at: datetime
    reasons: tuple[str, ...]
    ours: bool


@dataclass(frozen=True)
class StatusReport:
    store_hash: str
    hooks: tuple[HookRow, ...]
    blocked: tuple[BlockRow, ...]
    problems: tuple[str, ...]
    notification_emails: int

    @property
    def healthy(self) -> bool:
        return not self.problems


def _row(hook: AdminHook, endpoint: Endpoint, wanted: Mapping[str, Sequence[str]]) -> HookRow:
    ours = endpoint.owns(hook)
    drift: list[str] = []
    if ours and hook.destination != endpoint.destination:
        drift.append("destination")
    if ours and not endpoint.headers_match(hook):
        drift.append("headers")
    status = hook.status if hook.status in ("active", "inactive", "deactivated") else str(hook.status)
    if status == "active" and not hook.is_active:
        status = "inactive"
    use_cases = tuple(wanted.get(normalise_scope(hook.scope), ())) if ours else ()
    return HookRow(hook.scope, hook.id, display_url(hook.destination), status, ours, use_cases, tuple(drift))


def _block(blocked: BlockedDomain, endpoint: Endpoint, now: datetime) -> BlockRow:
    reasons = tuple(
        f"{r.failure_description or 'failure'} ({r.count}x)"
        for r in blocked.reasons
        if r.count or r.failure_description
    )
    return BlockRow(
        destination=display_url(blocked.destination),
        time_left_s=max(0, blocked.time_left),
        unblocks_at=now + timedelta(seconds=max(0, blocked.time_left)),
        reasons=reasons,
        ours=domain_of(blocked.destination) == domain_of(endpoint.destination),
    )


def evaluate_status(
    store_hash: str,
    wanted: Mapping[str, Sequence[str]],
    admin: HooksAdmin,
    endpoint: Endpoint,
    now: datetime,
) -> StatusReport:
    rows = [_row(h, endpoint, wanted) for h in admin.hooks_list]
    problems: list[str] = []
    for scope, use_cases in wanted.items():
        mine = [r for r in rows if r.ours and normalise_scope(r.scope) == scope]
        if any(r.status == "active" and not r.drift for r in mine):
            continue
        if not mine:
            rows.append(
                HookRow(scope, None, display_url(endpoint.destination), "missing", True, tuple(use_cases))
            )
            problems.append(f"{scope}: no hook (needed by {', '.join(use_cases)})")
        elif any(r.status == "active" for r in mine):
            drifted = sorted({d for r in mine for d in r.drift})
            problems.append(f"{scope}: hook {mine[0].hook_id} has a different {' and '.join(drifted)}")
        else:
            states = ", ".join(f"hook {r.hook_id} {r.status}" for r in mine)
            problems.append(f"{scope}: {states}")
    blocked = tuple(_block(b, endpoint, now) for b in admin.blocked_domains)
    for block in blocked:
        if block.ours:
            problems.append(
                f"destination domain {domain_of(endpoint.destination)} blocked for {block.time_left_s} s "
                f"(until {block.unblocks_at.isoformat(timespec='seconds')})"
            )
    rows.sort(key=lambda r: (not r.ours, r.scope, r.hook_id or 0))
    return StatusReport(store_hash, tuple(rows), blocked, tuple(problems), len(admin.emails))
