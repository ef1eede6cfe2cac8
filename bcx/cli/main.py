"""Entry point of the ``bcx`` console script.

Each command group lives in its own module with a ``register(subparsers)`` function that adds its parser
and sets ``handler`` (``Callable[[argparse.Namespace], int]``) as a default. Adding a command means adding
its module to :data:`COMMAND_MODULES`. :func:`build_parser` imports every one of those modules (by name,
through importlib) to register it, so each command's module-level imports load for any command, including
``bcx --help``; heavy or optional dependencies belong inside handlers.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bcx.errors import BcxError

COMMAND_MODULES: tuple[str, ...] = (
    "bcx.cli.bridge_cmd",
    "bcx.cli.consume_cmd",
    "bcx.cli.demo_cmd",
    "bcx.cli.dlq_cmd",
    "bcx.cli.enrich_cmd",
    "bcx.cli.hooks_cmd",
    "bcx.cli.local_cmd",
    "bcx.cli.reconcile_cmd",
    "bcx.cli.routing_cmd",
    "bcx.cli.schemas_cmd",
    "bcx.cli.sim_bigcommerce_cmd",
    "bcx.cli.sim_exstream_cmd",
    "bcx.cli.topics_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bcx",
        description="BigCommerce ⇄ OpenText Exstream over Kafka.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(subparsers)
    return parser


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    """The top-level command names ``parser`` accepts (for tests and deployment checks)."""
    names: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            names.update(action.choices)
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except BcxError as exc:
        print(f"bcx: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
