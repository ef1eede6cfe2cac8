"""``bcx schemas check``: register every schema in ``schemas/``; fail on a BACKWARD-incompatible change."""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path
from typing import Any

from bcx.avro.compat import check_schema
from bcx.avro.registry import registry_client
from bcx.avro.schemas import all_schemas, schemas_dir
from bcx.settings import load_settings
from bcx_app.cli.common import AdminSettings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "schemas", help="register and check the Avro contracts", description=__doc__
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="register compatible schemas; exit 1 on an incompatible one")
    check.add_argument("--dir", type=Path, default=None, help="folder of .avsc files (default: schemas/)")
    check.add_argument("--dry-run", action="store_true", help="test compatibility without registering")
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    settings = load_settings(AdminSettings)
    failed = 0
    with closing(registry_client(settings.registry)) as registry:
        failed = _check_all(registry, args)
    return 1 if failed else 0


def _check_all(registry: Any, args: argparse.Namespace) -> int:
    failed = 0
    for schema in all_schemas(args.dir or schemas_dir()):
        result = check_schema(registry, schema, register=not args.dry_run)
        schema_id = f" id={result.schema_id}" if result.schema_id is not None else ""
        detail = f"  {result.detail}" if result.detail else ""
        print(f"{result.outcome.value:13} {result.subject}{schema_id}{detail}")
        failed += not result.ok
    return failed
