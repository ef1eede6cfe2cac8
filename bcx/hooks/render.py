"""Plain-text and JSON views of sync results and status reports. Pure; never prints a header value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bcx.hooks.plan import ActionKind, HookAction
from bcx.hooks.status import StatusReport, display_url


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    return "\n".join(lines)


def _hook_id(value: int | None) -> str:
    return "-" if value is None else str(value)


def action_rows(results: Sequence[tuple[HookAction, str]]) -> list[list[str]]:
    return [
        [
            action.kind.value,
            action.scope,
            _hook_id(action.hook_id),
            ",".join(action.changes) or "-",
            display_url(action.destination) if action.destination else "-",
            ",".join(action.use_cases) or "-",
            outcome,
        ]
        for action, outcome in results
    ]


def sync_text(store_hash: str, results: Sequence[tuple[HookAction, str]], *, dry_run: bool) -> str:
    """The action table of one store and a summary line."""
    header = ("ACTION", "SCOPE", "HOOK", "CHANGES", "DESTINATION", "USE CASES", "RESULT")
    counts = {kind: sum(1 for a, _ in results if a.kind is kind) for kind in ActionKind}
    failed = sum(1 for _, outcome in results if outcome.startswith("failed"))
    verbs = {
        ActionKind.CREATE: "created",
        ActionKind.UPDATE: "updated",
        ActionKind.REACTIVATE: "reactivated",
        ActionKind.DELETE: "deleted",
    }
    summary = ", ".join(
        f"{counts[kind]} {'to ' + kind.value if dry_run else verb}" for kind, verb in verbs.items()
    )
    changed = any(action.mutates for action, _ in results)
    tail = " (already in sync)" if not changed else " (dry run: nothing changed)" if dry_run else ""
    lines = [f"store {store_hash}", table(header, action_rows(results)) if results else "(no hooks)"]
    lines.append(
        f"{store_hash}: {summary}; {counts[ActionKind.OK]} ok{tail}"
        + (f"; {failed} FAILED" if failed else "")
    )
    if counts[ActionKind.EXTRA]:
        lines.append(f"{counts[ActionKind.EXTRA]} extra hook(s) of ours left in place (--prune deletes them)")
    return "\n".join(lines)


def status_text(report: StatusReport) -> str:
    lines = [f"store {report.store_hash}"]
    header = ("SCOPE", "HOOK", "STATUS", "OURS", "DESTINATION", "USE CASES", "DRIFT")
    rows = [
        [
            r.scope,
            _hook_id(r.hook_id),
            r.status,
            "yes" if r.ours else "no",
            r.destination,
            ",".join(r.use_cases) or "-",
            ",".join(r.drift) or "-",
        ]
        for r in report.hooks
    ]
    lines.append(table(header, rows) if rows else "(no hooks)")
    if report.blocked:
        lines.append("blocked domains:")
        block_header = ("DESTINATION", "TIME LEFT", "UNBLOCKS AT", "OURS", "REASONS")
        block_rows = [
            [
                b.destination,
                f"{b.time_left_s} s",
                b.unblocks_at.isoformat(timespec="seconds"),
                "yes" if b.ours else "no",
                "; ".join(b.reasons) or "-",
            ]
            for b in report.blocked
        ]
        lines.append(table(block_header, block_rows))
    else:
        lines.append("blocked domains: none")
    if not report.notification_emails:
        lines.append(
            "note: no notification emails set; BigCommerce tells nobody about blocks and deactivations"
        )
    lines.extend(f"PROBLEM {p}" for p in report.problems)
    lines.append(f"{report.store_hash}: {'healthy' if report.healthy else 'UNHEALTHY'}")
    return "\n".join(lines)


def action_json(action: HookAction, outcome: str) -> dict[str, Any]:
    return {
        "action": action.kind.value,
        "scope": action.scope,
        "hook_id": action.hook_id,
        "changes": list(action.changes),
        "destination": display_url(action.destination) if action.destination else None,
        "use_cases": list(action.use_cases),
        "result": outcome,
    }


def status_json(report: StatusReport) -> dict[str, Any]:
    return {
        "store_hash": report.store_hash,
        "healthy": report.healthy,
        "problems": list(report.problems),
        "notification_emails": report.notification_emails,
        "hooks": [
            {
                "scope": r.scope,
                "hook_id": r.hook_id,
                "status": r.status,
                "ours": r.ours,
                "destination": r.destination,
                "use_cases": list(r.use_cases),
                "drift": list(r.drift),
            }
            for r in report.hooks
        ],
        "blocked_domains": [
            {
                "destination": b.destination,
                "time_left_s": b.time_left_s,
                "unblocks_at": b.unblocks_at.isoformat(timespec="seconds"),
                "ours": b.ours,
                "reasons": list(b.reasons),
            }
            for b in report.blocked
        ],
    }
