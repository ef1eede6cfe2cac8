"""``bcx trace --customer ID | --order ID | --document KEY [--store S] [--json]``: what a customer or an
order got, when, through which channel and why, from the document index (``BCX_INDEX__DSN``).

The text form is a timeline (event → decision → generated → delivered/failed, with reasons); ``--json``
prints the same trace as ``GET /v1/trace`` of ``bcx index serve`` returns. Exit 0 with documents found,
1 when the index holds none for the selection, 2 on a configuration or connection error.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "trace",
        help="show what a customer/order got, when, where and why (document index)",
        description=__doc__,
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--customer", help="BigCommerce customer id")
    which.add_argument("--order", help="BigCommerce order id")
    which.add_argument("--document", help="a document's idempotency key")
    parser.add_argument("--store", help="store hash (customer and order ids are per store)")
    parser.add_argument("--limit", type=int, default=50, help="documents per page (at most 500)")
    parser.add_argument("--cursor", help="the next_cursor of the previous page")
    parser.add_argument("--json", action="store_true", help="print the trace as JSON")
    parser.set_defaults(handler=_trace)


def _trace(args: argparse.Namespace) -> int:
    from bcx.settings import load_settings
    from consumers.document_index.db import connect
    from consumers.document_index.queries import Selector, trace
    from consumers.document_index.settings import IndexSettings

    settings = load_settings(IndexSettings)
    selector = Selector(customer=args.customer, order=args.order, document=args.document, store=args.store)
    with connect(settings.index.dsn.get_secret_value()) as conn:
        found = trace(conn, selector, limit=args.limit, cursor=args.cursor)
    if args.json:
        print(found.model_dump_json(indent=2))
    else:
        print(render(found))
    return 0 if found.documents or found.dead_letters else 1


def render(found: Any) -> str:
    """The trace as a human timeline, one line per step, documents summarised first."""
    lines: list[str] = []
    for d in found.documents:
        erased = "  [erased]" if d.erased else ""
        lines.append(
            f"{d.document_type} v{d.version}  {d.status}  channels {','.join(d.channels) or '-'}  "
            f"store {d.store_hash} order {d.order_id or '-'} customer {d.customer_id or '-'}{erased}"
        )
        lines.append(f"  key {d.idempotency_key}")
    if not lines:
        lines.append("no documents in the index for this selection")
    lines.append("")
    for t in found.timeline:
        doc = t.document.split(":")[-2] if t.document else "-"
        lines.append(f"{t.at:%Y-%m-%d %H:%M:%S}  {t.kind:<11} {doc:<20} {t.detail}")
    if found.next_cursor:
        lines.append(f"\nmore: --cursor {found.next_cursor}")
    return "\n".join(lines)
