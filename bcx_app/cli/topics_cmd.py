"""``bcx topics apply|plan``: create or verify every topic in ``deploy/topics.yaml``; report drift.

Replication factor 3 and min.insync.replicas 2 are the production defaults. ``--local`` is the profile of a
single-broker cluster (``bcx local up``, ``docker compose up``): replication factor 1, min.insync.replicas 1.
``apply`` counts the cluster's brokers first and refuses, naming ``--local``, to create topics that need more
replicas than there are brokers.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bcx.errors import ConfigurationError
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import DEFAULT_CATALOGUE, TopicSpec, expand, load_catalogue
from bcx.settings import load_settings
from bcx_app.cli.common import AdminSettings

PRODUCTION_REPLICATION = 3
PRODUCTION_MIN_ISR = 2


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "topics",
        help="create or verify the topics bcx needs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, handler, help_text in (
        ("apply", _apply, "create missing topics and report (or --fix) drift; exit 1 while drift remains"),
        ("plan", _plan, "print the topics the catalogue expands to, touching no cluster"),
    ):
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "--catalogue", type=Path, default=DEFAULT_CATALOGUE, help="topic catalogue (deploy/topics.yaml)"
        )
        profile = sub.add_mutually_exclusive_group()
        profile.add_argument(
            "--local",
            action="store_true",
            help="single-broker profile (bcx local up, docker compose): replication factor 1, min ISR 1",
        )
        profile.add_argument(
            "--replication-factor",
            type=int,
            default=PRODUCTION_REPLICATION,
            help=f"replicas per partition (default {PRODUCTION_REPLICATION}, for a production cluster)",
        )
        sub.add_argument(
            "--min-insync-replicas",
            type=int,
            default=PRODUCTION_MIN_ISR,
            help=f"min.insync.replicas, capped at the replication factor (default {PRODUCTION_MIN_ISR})",
        )
        sub.set_defaults(handler=handler)
        if name == "apply":
            sub.add_argument("--fix", action="store_true", help="add partitions and align configs")


def _specs(args: argparse.Namespace) -> list[TopicSpec]:
    if args.local:
        return expand(load_catalogue(args.catalogue), 1, 1)
    return expand(load_catalogue(args.catalogue), args.replication_factor, args.min_insync_replicas)


def _check_brokers(admin: TopicAdmin, specs: list[TopicSpec]) -> None:
    """Refuse, before creating anything, topics that need more replicas than the cluster has brokers."""
    existing = admin.existing()
    wanted = max((s.replication_factor for s in specs if s.name not in existing), default=0)
    brokers = admin.broker_count()
    if wanted > brokers:
        raise ConfigurationError(
            f"the cluster has {brokers} broker{'s' if brokers != 1 else ''}; replication factor {wanted} "
            f"needs at least {wanted}. For a single-broker cluster (bcx local up, docker compose) run "
            "`bcx topics apply --local` (replication factor 1, min.insync.replicas 1); otherwise pass "
            "--replication-factor to match the cluster"
        )


def _plan(args: argparse.Namespace) -> int:
    for spec in _specs(args):
        configs = ", ".join(f"{k}={v}" for k, v in sorted(spec.configs.items()))
        print(f"{spec.name:42} partitions={spec.partitions:<3} rf={spec.replication_factor}  {configs}")
    return 0


def _apply(args: argparse.Namespace) -> int:
    settings = load_settings(AdminSettings)
    specs = _specs(args)
    admin = TopicAdmin(settings.kafka.client_config())
    _check_brokers(admin, specs)
    report = admin.apply(specs, fix=args.fix)
    for name in report.created:
        print(f"created    {name}")
    for name in report.unchanged:
        print(f"ok         {name}")
    for drift in report.fixed:
        print(f"fixed      {drift.topic}: {drift.what} {drift.actual} -> {drift.expected}")
    for drift in report.drift:
        hint = "" if drift.fixable else " (not fixable by bcx: needs a partition reassignment or a new topic)"
        print(f"DRIFT      {drift.topic}: {drift.what} is {drift.actual}, expected {drift.expected}{hint}")
    return 0 if report.clean else 1
