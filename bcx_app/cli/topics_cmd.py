"""``bcx topics apply|list``: create or verify every topic in ``deploy/topics.yaml``; report drift."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import DEFAULT_CATALOGUE, expand, load_catalogue
from bcx.settings import load_settings
from bcx_app.cli.common import AdminSettings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "topics", help="create or verify the topics bcx needs", description=__doc__
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, handler, help_text in (
        ("apply", _apply, "create missing topics and report (or --fix) drift; exit 1 while drift remains"),
        ("plan", _plan, "print the topics the catalogue expands to, touching no cluster"),
    ):
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("--catalogue", type=Path, default=DEFAULT_CATALOGUE)
        sub.add_argument("--replication-factor", type=int, default=3)
        sub.add_argument("--min-insync-replicas", type=int, default=2)
        sub.set_defaults(handler=handler)
        if name == "apply":
            sub.add_argument("--fix", action="store_true", help="add partitions and align configs")


def _specs(args: argparse.Namespace) -> Any:
    return expand(load_catalogue(args.catalogue), args.replication_factor, args.min_insync_replicas)


def _plan(args: argparse.Namespace) -> int:
    for spec in _specs(args):
        configs = ", ".join(f"{k}={v}" for k, v in sorted(spec.configs.items()))
        print(f"{spec.name:42} partitions={spec.partitions:<3} rf={spec.replication_factor}  {configs}")
    return 0


def _apply(args: argparse.Namespace) -> int:
    settings = load_settings(AdminSettings)
    report = TopicAdmin(settings.kafka.client_config()).apply(_specs(args), fix=args.fix)
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
