"""The index's read side, shared by ``bcx trace`` and ``bcx index serve``: one set of queries and models.

A trace answers "what did this customer/order get, when, through which channel, and why?": the documents
selected (page by page, oldest first), each with its outcome events, the dead letters of the same
entities, and one timeline: event → decision → generated → delivered/failed, with reasons.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any, Literal

import psycopg
from psycopg.rows import dict_row
from pydantic import BaseModel, ConfigDict, Field

MAX_LIMIT = 500


class Selector(BaseModel):
    """Which documents: by customer, by order or one document key (exactly one), optionally per store."""

    model_config = ConfigDict(frozen=True)

    customer: str | None = None
    order: str | None = None
    document: str | None = None
    store: str | None = None

    def check(self) -> Selector:
        chosen = [v for v in (self.customer, self.order, self.document) if v]
        if len(chosen) != 1:
            raise ValueError("name exactly one of customer, order or document")
        return self


class EventView(BaseModel):
    result_id: str
    status: str
    channel: str | None
    occurred_at: datetime
    attempt: int
    error_class: str | None = None
    error_stage: str | None = None
    error_message: str | None = None


class DocumentView(BaseModel):
    idempotency_key: str
    use_case: str
    document_type: str
    version: str
    store_hash: str
    customer_id: str | None
    order_id: str | None
    entity_type: str
    entity_id: str
    status: str
    channels: list[str]
    communication_id: str | None
    locale: str | None
    rules: list[str]
    reason: str
    rules_digest: str | None
    exstream_job_id: str | None
    output_uri: str | None
    source_event_id: str
    reissue_of: str | None
    first_event_at: datetime
    last_event_at: datetime
    erased: bool
    events: list[EventView] = Field(default_factory=list)


class DeadLetterView(BaseModel):
    dlq_topic: str
    dlq_partition: int
    dlq_offset: int
    consumer_group: str | None
    record_key: str | None
    error_class: str | None
    error_stage: str | None
    error_message: str | None
    attempts: int | None
    failed_at: datetime


class TimelineEntry(BaseModel):
    at: datetime
    kind: Literal["event", "decision", "generated", "delivered", "failed", "dead_letter"]
    document: str | None
    channel: str | None = None
    detail: str


class Trace(BaseModel):
    documents: list[DocumentView]
    dead_letters: list[DeadLetterView]
    timeline: list[TimelineEntry]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


def _cursor(at: datetime, key: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{key}".encode()).decode()


def _uncursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, key = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(at), key
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("malformed cursor") from exc


def _where(selector: Selector) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    if selector.customer:
        clauses.append("customer_id = %(customer)s")
    if selector.order:
        clauses.append("order_id = %(order)s")
    if selector.document:
        clauses.append("idempotency_key = %(document)s")
    if selector.store:
        clauses.append("store_hash = %(store)s")
    return " AND ".join(clauses), selector.model_dump()


def documents(
    conn: psycopg.Connection[Any], selector: Selector, *, limit: int = 50, cursor: str | None = None
) -> tuple[list[DocumentView], str | None]:
    """One page of the selected documents (oldest first) with their events, and the next page's cursor."""
    where, params = _where(selector.check())
    limit = max(1, min(limit, MAX_LIMIT))
    if cursor:
        after_at, after_key = _uncursor(cursor)
        where += " AND (first_event_at, idempotency_key) > (%(after_at)s, %(after_key)s)"
        params |= {"after_at": after_at, "after_key": after_key}
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            f"SELECT *, erased_at IS NOT NULL AS erased FROM documents WHERE {where} "  # noqa: S608 - fixed clauses
            "ORDER BY first_event_at, idempotency_key LIMIT %(limit)s",
            params | {"limit": limit + 1},
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        keys = [r["idempotency_key"] for r in rows]
        events: dict[str, list[EventView]] = {k: [] for k in keys}
        for event in cur.execute(
            "SELECT * FROM document_events WHERE idempotency_key = ANY(%s) ORDER BY occurred_at, result_id",
            (keys,),
        ).fetchall():
            events[event["idempotency_key"]].append(EventView.model_validate(event))
    views = [DocumentView.model_validate(r | {"events": events[r["idempotency_key"]]}) for r in rows]
    last = views[-1] if views and more else None
    return views, (_cursor(last.first_event_at, last.idempotency_key) if last else None)


def dead_letters(conn: psycopg.Connection[Any], docs: list[DocumentView]) -> list[DeadLetterView]:
    """Dead letters of the documents' entities, or of the order the selector named."""
    entities = sorted({(d.store_hash, d.entity_type, d.entity_id) for d in docs})
    if not entities:
        return []
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            "SELECT * FROM dead_letters WHERE (store_hash, entity_type, entity_id) IN "
            "(SELECT * FROM unnest(%s::text[], %s::text[], %s::text[])) ORDER BY failed_at",
            ([e[0] for e in entities], [e[1] for e in entities], [e[2] for e in entities]),
        ).fetchall()
    return [DeadLetterView.model_validate(r) for r in rows]


def order_dead_letters(conn: psycopg.Connection[Any], order: str, store: str | None) -> list[DeadLetterView]:
    """Dead letters of an order that has no document yet (e.g. every attempt failed before results)."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            "SELECT * FROM dead_letters WHERE entity_type = 'order' AND entity_id = %s "
            "AND (%s::text IS NULL OR store_hash = %s) ORDER BY failed_at",
            (order, store, store),
        ).fetchall()
    return [DeadLetterView.model_validate(r) for r in rows]


def timeline(docs: list[DocumentView], letters: list[DeadLetterView]) -> list[TimelineEntry]:
    """Event → decision → generated → delivered/failed per document, and dead letters, in time order."""
    entries: list[TimelineEntry] = []
    for d in docs:
        first = d.events[0].occurred_at if d.events else d.first_event_at
        entries.append(
            TimelineEntry(
                at=first, kind="event", document=d.idempotency_key, detail=f"source event {d.source_event_id}"
            )
        )
        why = d.reason or "no explanation recorded (result from an older producer)"
        rules = ", ".join(d.rules) or "?"
        origin = f"re-issue of {d.reissue_of}: " if d.reissue_of else ""
        entries.append(
            TimelineEntry(
                at=first, kind="decision", document=d.idempotency_key, detail=f"{origin}{rules} — {why}"
            )
        )
        for e in d.events:
            kind: Literal["generated", "delivered", "failed"] = (
                "generated"
                if e.status == "GENERATED"
                else "delivered"
                if e.status == "DELIVERED"
                else "failed"
            )
            detail = d.document_type if kind == "generated" else (e.channel or "")
            if e.error_class:
                detail = f"{detail} {e.error_class} at {e.error_stage}: {e.error_message}".strip()
            entries.append(
                TimelineEntry(
                    at=e.occurred_at, kind=kind, document=d.idempotency_key, channel=e.channel, detail=detail
                )
            )
    for letter in letters:
        entries.append(
            TimelineEntry(
                at=letter.failed_at,
                kind="dead_letter",
                document=None,
                detail=f"{letter.consumer_group}: {letter.error_class} at {letter.error_stage}: "
                f"{letter.error_message}",
            )
        )
    order = {"event": 0, "decision": 1, "generated": 2, "delivered": 3, "failed": 3, "dead_letter": 4}
    return sorted(entries, key=lambda t: (t.at, t.document or "", order[t.kind]))


def trace(
    conn: psycopg.Connection[Any], selector: Selector, *, limit: int = 50, cursor: str | None = None
) -> Trace:
    """The trace of the selected documents (one page)."""
    docs, next_cursor = documents(conn, selector, limit=limit, cursor=cursor)
    letters = dead_letters(conn, docs)
    if selector.order and not cursor:
        seen = {(x.dlq_topic, x.dlq_partition, x.dlq_offset) for x in letters}
        letters += [
            x
            for x in order_dead_letters(conn, selector.order, selector.store)
            if (x.dlq_topic, x.dlq_partition, x.dlq_offset) not in seen
        ]
    return Trace(
        documents=docs, dead_letters=letters, timeline=timeline(docs, letters), next_cursor=next_cursor
    )
