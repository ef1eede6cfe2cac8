"""Entry point of the ``bcx`` console script.

Each command group lives in its own module with a ``register(subparsers)`` function that adds its parser
and sets ``handler`` (``Callable[[argparse.Namespace], int]``) as a default. Adding a command means adding
its module to :data:`COMMANDS`. Only the module of the command being run is imported (``bcx --help``
imports them all, each keeping its heavy imports inside its handlers), so ``bcx consume`` and ``bcx bridge``
load no simulator and one broken optional dependency does not take down every command.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bcx.errors import BcxError

#: top-level command → the module(s) registering it (``sim`` is a group two modules add to)
COMMANDS: dict[str, tuple[str, ...]] = {
    "bridge": ("bcx_app.cli.bridge_cmd",),
    "campaigns": ("bcx_app.cli.campaigns_cmd",),
    "consume": ("bcx_app.cli.consume_cmd",),
    "demo": ("bcx_app.cli.demo_cmd",),
    "dlq": ("bcx_app.cli.dlq_cmd",),
    "enrich": ("bcx_app.cli.enrich_cmd",),
    "erase": ("bcx_app.cli.erase_cmd",),
    "flows": ("bcx_app.cli.flows_cmd",),
    "hooks": ("bcx_app.cli.hooks_cmd",),
    "index": ("bcx_app.cli.index_cmd",),
    "local": ("bcx_app.cli.local_cmd",),
    "policies": ("bcx_app.cli.policies_cmd",),
    "preview": ("bcx_app.cli.preview_cmd",),
    "reconcile": ("bcx_app.cli.reconcile_cmd",),
    "reissue": ("bcx_app.cli.reissue_cmd",),
    "routing": ("bcx_app.cli.routing_cmd",),
    "schemas": ("bcx_app.cli.schemas_cmd",),
    "statements": ("bcx_app.cli.statements_cmd",),
    "sweep": ("bcx_app.cli.sweep_cmd",),
    "sim": ("bcx_app.cli.sim_bigcommerce_cmd", "bcx_app.cli.sim_exstream_cmd"),
    "topics": ("bcx_app.cli.topics_cmd",),
    "trace": ("bcx_app.cli.trace_cmd",),
}
COMMAND_MODULES: tuple[str, ...] = tuple(m for modules in COMMANDS.values() for m in modules)


def _chosen(argv: Sequence[str] | None) -> str | None:
    """The command ``argv`` names (its first word), when it is one; ``None`` lists them all (``--help``)."""
    words = list(sys.argv[1:] if argv is None else argv)
    first = words[0] if words else None
    return first if first in COMMANDS else None


def build_parser(argv: Sequence[str] | None = ()) -> argparse.ArgumentParser:
    """The parser; given the command line, only the named command's module is imported (the rest are
    listed as stubs), so ``bcx consume`` never loads the simulators or another command's dependencies."""
    parser = argparse.ArgumentParser(
        prog="bcx",
        description="BigCommerce ⇄ OpenText Exstream over Kafka.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = _chosen(argv)
    for name, modules in COMMANDS.items():
        if chosen is not None and name != chosen:
            subparsers.add_parser(name)  # named for the usage line; never parsed
            continue
        for module_name in modules:
            importlib.import_module(module_name).register(subparsers)
    return parser


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    """The top-level command names ``parser`` accepts (for tests and deployment checks)."""
    names: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            names.update(action.choices)
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
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
