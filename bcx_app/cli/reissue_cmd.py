"""``bcx reissue --flow F (--order ID | --customer ID | --document-type T | --since D --until D) --reason TEXT
[--store S] [--by NAME] [--dry-run]``: produce new versions of documents after a template or rule fix.

The documents are selected in the document index (``BCX_INDEX__DSN``); each is produced again by the
flow's running consumer under a new idempotency key ``<key>~reissue-<id>`` (``id`` from the key and the
reason), recorded in the index with who and why. ``--dry-run`` lists what would be produced. Re-running
the same re-issue produces nothing new. Exit 0, 1 when nothing was selected, 2 on configuration errors.
"""

from __future__ import annotations

import argparse
import getpass
from datetime import datetime
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "reissue", help="produce new versions of selected documents (after a fix)", description=__doc__
    )
    parser.add_argument("--flow", required=True, help="a built flow, e.g. order-documents")
    parser.add_argument("--store", help="store hash")
    parser.add_argument("--order", help="BigCommerce order id")
    parser.add_argument("--customer", help="BigCommerce customer id")
    parser.add_argument("--document-type", help="e.g. order_invoice")
    parser.add_argument("--since", type=datetime.fromisoformat, help="first event at or after (ISO 8601)")
    parser.add_argument("--until", type=datetime.fromisoformat, help="first event before (ISO 8601)")
    parser.add_argument("--reason", required=True, help="why (recorded with every re-issued document)")
    parser.add_argument("--by", default=None, help="who asks (default: the OS user)")
    parser.add_argument("--dry-run", action="store_true", help="list what would be produced")
    parser.add_argument("--topic", default=None, help="the flow's input topic (default: its first)")
    parser.set_defaults(handler=_reissue)


def _reissue(args: argparse.Namespace) -> int:
    from datetime import UTC

    from bcx.errors import ConfigurationError
    from bcx.settings import load_settings
    from bcx_app.reissue import execute, plan
    from consumers.document_index.db import connect
    from consumers.document_index.reissues import ReissueSelector
    from consumers.document_index.settings import IndexSettings
    from consumers.registry import factory_for, flow_named

    flow = flow_named(args.flow)
    factory_for(flow.name)  # a planned flow has no consumer to re-issue through
    selector = ReissueSelector(
        use_case=flow.use_case,
        store=args.store,
        order=args.order,
        customer=args.customer,
        document_type=args.document_type,
        since=args.since,
        until=args.until,
    )
    if not selector.narrowed():
        raise ConfigurationError("name --order, --customer, --document-type or a --since/--until range")
    if not args.reason.strip():
        raise ConfigurationError("--reason must say why")
    settings = load_settings(IndexSettings)
    with connect(settings.index.dsn.get_secret_value()) as conn:
        todo = plan(conn, selector, args.reason)
        for s, new_key in todo.new:
            print(f"{'would re-issue' if args.dry_run else 're-issue'}  {s.key}  →  {new_key}")
        for s, new_key in todo.skipped:
            print(f"already re-issued  {s.key}  →  {new_key}")
        if not todo.new and not todo.skipped:
            print("no document matches the selection")
            return 1
        if args.dry_run or not todo.new:
            print(f"{len(todo.new)} to produce, {len(todo.skipped)} already re-issued")
            return 0
        requests = execute(
            conn,
            todo,
            client_config=settings.kafka.client_config(),
            topic=args.topic or flow.input_topics[0],
            reason=args.reason,
            by=args.by or getpass.getuser(),
            now=datetime.now(UTC),
        )
    print(f"{len(todo.new)} documents requested again through {requests} snapshot(s); the flow produces them")
    return 0
