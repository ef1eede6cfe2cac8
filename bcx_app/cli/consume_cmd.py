"""``bcx consume <use-case>``: run one use case's consumer group in this process until SIGTERM.

Exit codes: 0 after a graceful stop, 3 when the runtime stopped itself (dead-letter cap exceeded, ledger
not loadable), 2 on a configuration error.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "consume", help="run a use case's consumer group", description=__doc__
    )
    parser.add_argument("use_case", help="the use case (see consumers/registry.py), e.g. order-documents")
    parser.add_argument(
        "--module", default=None, metavar="PKG.MOD:FUNC", help="build the use case from this factory instead"
    )
    parser.set_defaults(handler=_consume)


def _consume(args: argparse.Namespace) -> int:
    from bcx.logging import configure_logging
    from bcx.settings import load_settings
    from consumers.registry import factory_for, load_factory
    from consumers.runtime.app import run_use_case
    from consumers.runtime.settings import ConsumeSettings

    settings = load_settings(ConsumeSettings)
    configure_logging(settings.log, component=args.use_case)
    factory = load_factory(args.module) if args.module else factory_for(args.use_case)
    return run_use_case(args.use_case, factory, settings)
