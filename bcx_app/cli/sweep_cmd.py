"""``bcx sweep abandoned-carts|replenishment|win-back``: find the retention letters due now.

Reads the profiles table and publishes one trigger per due letter to ``marketing.retention-triggers.v1``;
the retention flow gates and produces them. Run it from a Kubernetes CronJob (deploy/k8s/base/sweeps.yaml)
— no scheduler of our own. Each letter is named by its state (the cart, the last order), so running a
sweep again, or often, sends nothing twice.
"""

from __future__ import annotations

import argparse
from typing import Any

SWEEPS = ("abandoned-carts", "replenishment", "win-back")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sweep", help="publish the time-based retention letters due now", description=__doc__
    )
    parser.add_argument("sweep", choices=SWEEPS, help="which letters: " + ", ".join(SWEEPS))
    parser.add_argument("--dry-run", action="store_true", help="count what is due, publish nothing")
    parser.set_defaults(handler=_sweep)


def _sweep(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bcx.logging import configure_logging
    from bcx.settings import load_settings
    from bcx_app.cli.marketing_io import MarketingCliSettings, publish, tables
    from consumers.marketing.policy import load_policy
    from consumers.marketing.runs import sweep_requests
    from consumers.retention.flow import TRIGGERS_TOPIC

    settings = load_settings(MarketingCliSettings)
    configure_logging(settings.log, component="sweep")
    policy = load_policy(settings.marketing.policy_path)
    with tables(settings) as t:
        requests = sweep_requests(args.sweep, t["profiles"].rows().values(), policy, datetime.now(UTC))
    if args.dry_run:
        print(f"sweep {args.sweep}: {len(requests)} letters due (dry run: nothing published)")
        return 0
    sent = publish(settings, TRIGGERS_TOPIC, requests)
    print(f"sweep {args.sweep}: {sent} triggers published")
    return 0
