"""Which documents a re-issue selects, and the record of who re-issued what and why (``reissues``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg


@dataclass(frozen=True)
class ReissueSelector:
    """A flow's documents by order, customer, document type and/or a range of their first event."""

    use_case: str
    store: str | None = None
    order: str | None = None
    customer: str | None = None
    document_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def narrowed(self) -> bool:
        """A re-issue must name something narrower than "every document of the flow"."""
        return any(
            v is not None for v in (self.order, self.customer, self.document_type, self.since, self.until)
        )


@dataclass(frozen=True)
class Selected:
    key: str
    store_hash: str
    entity_type: str
    entity_id: str
    document_type: str


def select(conn: psycopg.Connection[Any], s: ReissueSelector) -> list[Selected]:
    """Original documents (not re-issues, not erased customers') the selector names, oldest first."""
    rows = conn.execute(
        "SELECT idempotency_key, store_hash, entity_type, entity_id, document_type FROM documents "
        "WHERE use_case = %(use_case)s AND reissue_of IS NULL AND erased_at IS NULL "
        "AND (%(store)s::text IS NULL OR store_hash = %(store)s) "
        "AND (%(order)s::text IS NULL OR order_id = %(order)s) "
        "AND (%(customer)s::text IS NULL OR customer_id = %(customer)s) "
        "AND (%(document_type)s::text IS NULL OR document_type = %(document_type)s) "
        "AND (%(since)s::timestamptz IS NULL OR first_event_at >= %(since)s) "
        "AND (%(until)s::timestamptz IS NULL OR first_event_at < %(until)s) "
        "ORDER BY first_event_at, idempotency_key",
        {
            "use_case": s.use_case,
            "store": s.store,
            "order": s.order,
            "customer": s.customer,
            "document_type": s.document_type,
            "since": s.since,
            "until": s.until,
        },
    ).fetchall()
    return [Selected(*row) for row in rows]


def already_reissued(conn: psycopg.Connection[Any], keys: list[str]) -> set[str]:
    """The re-issue keys among ``keys`` that were requested before."""
    rows = conn.execute("SELECT reissue_key FROM reissues WHERE reissue_key = ANY(%s)", (keys,)).fetchall()
    return {r[0] for r in rows}


def record(
    conn: psycopg.Connection[Any], pairs: list[tuple[str, str]], *, by: str, reason: str, at: datetime
) -> None:
    """Write down (re-issue key, original key) pairs with who asked and why."""
    with conn.transaction():
        for reissue_key, original in pairs:
            conn.execute(
                "INSERT INTO reissues (reissue_key, original_key, requested_by, reason, requested_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (reissue_key) DO NOTHING",
                (reissue_key, original, by, reason, at),
            )
