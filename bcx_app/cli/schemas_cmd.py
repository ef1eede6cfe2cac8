"""``bcx schemas check``: register every schema in ``schemas/``; fail on a BACKWARD-incompatible change.

The shared ledger schema (``consumer.ledger.v1.avsc``) is registered under each consumer group's ledger
subject, ``<group>.ledger.v1-value`` for every group of the topic catalogue: those are the subjects the
consumers write to, so they can run with ``BCX_REGISTRY__AUTO_REGISTER=false``.
"""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path
from typing import Any

from bcx.avro.compat import check_schema, probe_registry
from bcx.avro.registry import registry_client
from bcx.avro.schemas import AvroSchema, all_schemas, schemas_dir
from bcx.contracts.ledger_entry import SCHEMA as LEDGER_SCHEMA
from bcx.errors import ConfigurationError
from bcx.kafka.topics import DEFAULT_CATALOGUE, group_topic, load_catalogue
from bcx.settings import load_settings
from bcx_app.cli.common import AdminSettings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "schemas",
        help="register and check the Avro contracts",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="register compatible schemas; exit 1 on an incompatible one")
    check.add_argument("--dir", type=Path, default=None, help="folder of .avsc files (default: schemas/)")
    check.add_argument("--dry-run", action="store_true", help="test compatibility without registering")
    check.add_argument(
        "--catalogue",
        type=Path,
        default=DEFAULT_CATALOGUE,
        help="topic catalogue whose groups get a ledger subject each (default: deploy/topics.yaml)",
    )
    check.set_defaults(handler=_check)


def subjects_to_check(directory: Path, catalogue: Path) -> list[AvroSchema]:
    """The schemas of ``directory``, the shared ledger schema once per group's ledger topic instead of once
    under its file name (nothing writes to ``consumer.ledger.v1``)."""
    if not directory.is_dir():
        raise ConfigurationError(f"--dir {directory}: no such folder")
    schemas = all_schemas(directory)
    if not schemas:
        raise ConfigurationError(f"--dir {directory}: no .avsc files in it; nothing would be checked")
    ledger = next((s for s in schemas if s.topic == LEDGER_SCHEMA), None)
    if ledger is None:
        return schemas
    groups = load_catalogue(catalogue).groups
    per_group = [
        AvroSchema(topic=group_topic(group, "ledger"), text=ledger.text, parsed=ledger.parsed)
        for group in groups
    ]
    return [s for s in schemas if s is not ledger] + per_group


def _check(args: argparse.Namespace) -> int:
    schemas = subjects_to_check(args.dir or schemas_dir(), args.catalogue)
    settings = load_settings(AdminSettings)
    with closing(registry_client(settings.registry)) as registry:
        # a URL that is not a registry API answers 404 to everything, which must not read as "all new"
        probe_registry(registry)
        failed = _check_all(registry, schemas, register=not args.dry_run)
    return 1 if failed else 0


def _check_all(registry: Any, schemas: list[AvroSchema], *, register: bool) -> int:
    failed = 0
    for schema in schemas:
        result = check_schema(registry, schema, register=register)
        schema_id = f" id={result.schema_id}" if result.schema_id is not None else ""
        detail = f"  {result.detail}" if result.detail else ""
        print(f"{result.outcome.value:13} {result.subject}{schema_id}{detail}")
        failed += not result.ok
    return failed
