"""``bcx hooks sync|status``: the BigCommerce webhook subscriptions the enabled use cases need.

``sync`` creates missing hooks, updates ours whose destination or secret header differ, reactivates
deactivated ones, and with ``--prune`` deletes ours that no enabled use case needs; a second run changes
nothing. ``status`` lists every hook with its state, plus deactivated hooks and blocked domains from
``/v3/hooks/admin``. Settings: ``BCX_BIGCOMMERCE__STORES``, ``BCX_HOOKS__DESTINATION``,
``BCX_HOOKS__SECRET_HEADER``, ``BCX_HOOKS__SECRET`` (or per store ``BCX_HOOKS__STORE_SECRETS``),
``BCX_HOOKS__USE_CASES``. Header values are never printed.

Exit codes: 0 in sync / healthy; 1 when an action failed (sync) or a needed hook is missing, inactive,
deactivated or drifted, or our destination's domain is blocked (status); 2 on a configuration error or
when BigCommerce cannot be read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from consumers.registry import scopes_by_flow

if TYPE_CHECKING:
    from bcx.hooks.service import SyncResult
    from bcx.hooks.settings import HooksSettings
    from bcx.hooks.status import StatusReport

Wanted = dict[str, tuple[str, ...]]


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "hooks",
        help="create/repair BigCommerce webhook subscriptions; report deactivated hooks and blocked domains",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="hooks_command", metavar="ACTION", required=True)
    sync = actions.add_parser("sync", help="make the subscriptions match what the use cases need")
    status = actions.add_parser("status", help="report hooks, deactivations and blocked domains")
    for sub in (sync, status):
        sub.add_argument(
            "--store", action="append", default=None, help="store hash (repeatable; default: every store)"
        )
        sub.add_argument(
            "--use-case",
            action="append",
            default=None,
            choices=sorted(scopes_by_flow()),
            help="use case (repeatable; default: BCX_HOOKS__USE_CASES)",
        )
        sub.add_argument("--json", action="store_true", help="print JSON instead of tables")
    sync.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    sync.add_argument(
        "--prune", action="store_true", help="delete our hooks (our destination) no enabled use case needs"
    )
    sync.set_defaults(handler=_sync)
    status.set_defaults(handler=_status)


def _prepare(args: argparse.Namespace) -> tuple[HooksSettings, tuple[str, ...], Wanted]:
    from bcx.errors import ConfigurationError
    from bcx.hooks.scopes import check_use_cases, wanted_scopes
    from bcx.hooks.settings import HooksSettings
    from bcx.logging import configure_logging
    from bcx.settings import load_settings

    settings = load_settings(HooksSettings)
    configure_logging(settings.log, stream=sys.stderr, component="hooks")  # stdout carries the report
    table = scopes_by_flow()
    use_cases = tuple(args.use_case or settings.hooks.use_cases)
    if not use_cases:
        raise ConfigurationError(
            f"no use cases enabled: set BCX_HOOKS__USE_CASES or pass --use-case ({', '.join(sorted(table))})"
        )
    try:
        use_cases = check_use_cases(use_cases, table)
    except ConfigurationError as exc:
        raise ConfigurationError(f"BCX_HOOKS__USE_CASES: {exc}") from None
    stores = tuple(args.store or (s.store_hash for s in settings.bigcommerce.stores))
    if not stores:
        raise ConfigurationError("no stores: set BCX_BIGCOMMERCE__STORES")
    for store in stores:
        settings.bigcommerce.credentials(store)  # fail fast on an unknown store
        settings.hooks.endpoint(store)  # and on a missing destination
    return settings, stores, wanted_scopes(use_cases, table)


def _sync(args: argparse.Namespace) -> int:
    from bcx.hooks.render import action_json, sync_text

    settings, stores, wanted = _prepare(args)
    _warn_unreachable(settings.hooks.destination or "")
    results = asyncio.run(_run_sync(settings, stores, wanted, prune=args.prune, dry_run=args.dry_run))
    if args.json:
        doc = {r.store_hash: [action_json(action, outcome) for action, outcome in r.results] for r in results}
        print(json.dumps({"dry_run": args.dry_run, "stores": doc}, indent=2))
    else:
        print("\n\n".join(sync_text(r.store_hash, r.results, dry_run=args.dry_run) for r in results))
    return 1 if any(r.failed for r in results) else 0


def _warn_unreachable(destination: str) -> None:
    parts = urlsplit(destination)
    if parts.scheme != "https" or parts.port not in (None, 443):
        print(
            f"warning: BigCommerce delivers only to https on port 443, not to {parts.scheme}://"
            f"{parts.hostname}:{parts.port or 80}",
            file=sys.stderr,
        )


async def _run_sync(
    settings: HooksSettings, stores: tuple[str, ...], wanted: Wanted, *, prune: bool, dry_run: bool
) -> list[SyncResult]:
    from bcx.bigcommerce.client import BigCommerceClient
    from bcx.hooks.service import sync_store

    async with BigCommerceClient(settings.bigcommerce) as client:
        return [
            await sync_store(
                client, store, wanted, settings.hooks.endpoint(store), prune=prune, dry_run=dry_run
            )
            for store in stores
        ]


def _status(args: argparse.Namespace) -> int:
    from bcx.hooks.render import status_json, status_text

    settings, stores, wanted = _prepare(args)
    reports = asyncio.run(_run_status(settings, stores, wanted))
    if args.json:
        print(json.dumps({"stores": [status_json(r) for r in reports]}, indent=2))
    else:
        print("\n\n".join(status_text(r) for r in reports))
    return 0 if all(r.healthy for r in reports) else 1


async def _run_status(settings: HooksSettings, stores: tuple[str, ...], wanted: Wanted) -> list[StatusReport]:
    from bcx.bigcommerce.client import BigCommerceClient
    from bcx.hooks.service import store_status

    now = datetime.now(UTC)
    async with BigCommerceClient(settings.bigcommerce) as client:
        return [
            await store_status(client, store, wanted, settings.hooks.endpoint(store), now=now)
            for store in stores
        ]
