"""``bcx policies``: render approved policies into the flow; check, restore or roll back what is published.

- ``publish [--policy P] [--channel C] [--dry-run]``: render each selected policy from its approved Exstream
  design and record it on ``exstream.policy-documents.v1`` (the ``policy-publisher`` consumer writes it into
  BigCommerce); an unapproved communication is refused and reported. ``--dry-run`` records nothing and
  says, per target, whether a write would happen. Exit 1 when a policy was refused.
- ``status [--policy P] [--channel C] [--restore]``: compare what BigCommerce serves with the last
  publication; a hand edit is reported (``DRIFT_DETECTED``) and written back only with ``--restore``.
  Exit 1 when a target drifted and was not restored.
- ``rollback --policy P [--channel C]``: serve the version published before the current one again.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("policies", help="publish approved policy documents into BigCommerce")
    commands = parser.add_subparsers(dest="policies_command", metavar="SUBCOMMAND", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--policy", default=None, help="one catalogue policy id (default: all)")
        sub.add_argument("--channel", type=int, default=None, help="only targets on this channel")
        sub.add_argument(
            "--actor", default=None, help="who, for the publication record (default: cli:<user>)"
        )

    publish = commands.add_parser("publish", help="render approved policies and record them for publishing")
    common(publish)
    publish.add_argument("--dry-run", action="store_true", help="render and compare; record nothing")
    publish.set_defaults(handler=_publish)

    status = commands.add_parser("status", help="compare BigCommerce with the last publication (drift)")
    common(status)
    status.add_argument("--restore", action="store_true", help="write the last published version back")
    status.set_defaults(handler=_status)

    rollback = commands.add_parser("rollback", help="serve the previously published version again")
    common(rollback)
    rollback.set_defaults(handler=_rollback)


def _actor(args: argparse.Namespace) -> str:
    return str(args.actor or f"cli:{getpass.getuser()}")


def _publish(args: argparse.Namespace) -> int:
    return asyncio.run(_publish_async(args))


async def _publish_async(args: argparse.Namespace) -> int:
    from bcx_app.policies import Context

    async with Context.open() as ctx:
        rendered = await ctx.render(args.policy, args.channel, actor=_actor(args), record=not args.dry_run)
        refused = 0
        for item in rendered:
            if item.refusal is not None:
                refused += 1
                print(f"REFUSED  {item.store_hash} {item.policy}: {item.refusal.detail}")
                continue
            doc = item.document
            assert doc is not None
            where = "dry run, not recorded" if args.dry_run else f"recorded on {ctx.bus.documents_topic}"
            print(
                f"rendered {doc.store_hash} {doc.policy} v{doc.version} {doc.region}/{doc.locale} "
                f"sha256:{doc.content_hash[:12]} ({doc.approval_reference}; {where})"
            )
            for line in await ctx.preview(doc, args.channel):
                print(f"  {line}")
    return 1 if refused else 0


def _status(args: argparse.Namespace) -> int:
    return asyncio.run(_status_async(args))


async def _status_async(args: argparse.Namespace) -> int:
    from bcx_app.policies import Context
    from consumers.policy_publisher.operations import selected_targets, status

    async with Context.open() as ctx:
        refs = selected_targets(ctx.catalogue, args.policy, args.channel)
        found = await status(
            ctx.bigcommerce, ctx.history, refs, ctx.emit, actor=_actor(args), restore=args.restore
        )
    bad = 0
    for item in found:
        obs = item.observation
        last = obs.last
        version = f"v{last.version}" if last is not None else "-"
        print(f"{item.state:14} {obs.ref.store_hash} {obs.ref.policy.id} {version} {obs.ref.describe()}")
        bad += item.state in ("drifted", "missing")
    return 1 if bad else 0


def _rollback(args: argparse.Namespace) -> int:
    if not args.policy:
        print("bcx: error: rollback needs --policy")
        return 2
    return asyncio.run(_rollback_async(args))


async def _rollback_async(args: argparse.Namespace) -> int:
    from bcx_app.policies import Context
    from consumers.policy_publisher.operations import rollback, selected_targets

    async with Context.open() as ctx:
        refs = selected_targets(ctx.catalogue, args.policy, args.channel)
        done = await rollback(ctx.bigcommerce, ctx.history, refs, ctx.emit, actor=_actor(args))
    missing = 0
    for ref, publication in done:
        if publication is None:
            missing += 1
            print(f"nothing older {ref.store_hash} {ref.policy.id} {ref.describe()}")
        else:
            action = publication.action.value.lower()
            print(f"{action:14} {ref.store_hash} {ref.policy.id} v{publication.version} {ref.describe()}")
    return 1 if missing else 0
