"""The demo's last word: ``bcx trace`` of one order that got documents, read from the document index."""

from __future__ import annotations

from collections.abc import Callable

from consumers.document_index.db import connect
from consumers.document_index.queries import Selector, trace


def print_one_trace(dsn: str, say: Callable[[str], None]) -> None:
    """Print the trace of the order with the most delivered documents (the first such order on a tie)."""
    from bcx_app.cli.trace_cmd import render

    with connect(dsn) as conn:
        row = conn.execute(
            "SELECT store_hash, order_id FROM documents WHERE order_id IS NOT NULL "
            "GROUP BY store_hash, order_id ORDER BY count(*) FILTER (WHERE status = 'DELIVERED') DESC, "
            "min(first_event_at) LIMIT 1"
        ).fetchone()
        if row is None:
            say("\nthe document index holds no order yet\n")
            return
        store, order = row
        found = trace(conn, Selector(order=order, store=store))
    say(f"\n$ bcx trace --order {order} --store {store}\n{render(found)}\n")
