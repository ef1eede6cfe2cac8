"""``bcx index run|migrate|prune|serve``: the document index (PostgreSQL, ``BCX_INDEX__DSN``).

``run`` is the ``document-index`` consumer group (results and dead letters → rows; migrates first);
``migrate`` applies the schema; ``prune`` deletes rows older than ``BCX_INDEX__RETENTION_DAYS``;
``serve`` is the read-only HTTP API (OpenAPI at /openapi.json; bearer token ``BCX_INDEX__API_TOKEN``).
See docs/document-index.md.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "index", help="the document index: consume, migrate, prune, serve the HTTP API", description=__doc__
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("run", help="run the document-index consumer group").set_defaults(handler=_run)
    actions.add_parser("migrate", help="apply the index schema").set_defaults(handler=_migrate)
    prune = actions.add_parser("prune", help="delete rows older than the retention period")
    prune.add_argument("--older-than-days", type=int, default=None, help="override BCX_INDEX__RETENTION_DAYS")
    prune.set_defaults(handler=_prune)
    actions.add_parser("serve", help="serve the read-only HTTP API").set_defaults(handler=_serve)


def _settings() -> Any:
    from bcx.logging import configure_logging
    from bcx.settings import load_settings
    from consumers.document_index.settings import IndexSettings

    settings = load_settings(IndexSettings)
    configure_logging(settings.log)
    return settings


def _run(_args: argparse.Namespace) -> int:
    from consumers.document_index.service import run_index

    return run_index(_settings())


def _migrate(_args: argparse.Namespace) -> int:
    from consumers.document_index.db import connect
    from consumers.document_index.migrate import migrate

    with connect(_settings().index.dsn.get_secret_value()) as conn:
        applied = migrate(conn)
    print(f"applied {applied}" if applied else "index schema up to date")
    return 0


def _prune(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from consumers.document_index.db import connect
    from consumers.document_index.retention import prune

    settings = _settings()
    days = args.older_than_days or settings.index.retention_days
    with connect(settings.index.dsn.get_secret_value()) as conn:
        pruned = prune(conn, now=datetime.now(UTC), retention_days=days)
    print(
        f"pruned {pruned.documents} documents and {pruned.dead_letters} dead letters older than {days} days"
    )
    return 0


def _serve(_args: argparse.Namespace) -> int:
    from consumers.document_index.api import serve

    return serve(_settings())
