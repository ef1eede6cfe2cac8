"""Writing results and dead letters into the index: idempotent upserts, so a replay changes nothing.

A result becomes one ``document_events`` row (keyed by its ``result_id``: a result re-sent after a crash
carries the same id) and updates its document's row: the latest attempt's status (FAILED if any of its
outcomes failed, else DELIVERED once one was delivered, else GENERATED), the union of
channels, the first non-null Exstream ids, output and explanation. A dead letter becomes one
``dead_letters`` row keyed by its DLQ coordinates. Results of an erased customer are stored pseudonymised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from bcx.contracts.document_result import DocumentResult
from consumers.document_index.db import subject

_UPSERT_DOCUMENT = """
INSERT INTO documents (
    idempotency_key, use_case, document_type, version, store_hash, customer_id, entity_type, entity_id,
    order_id, communication_id, locale, status, attempt, channels, exstream_job_id, exstream_trace_id,
    output_uri, output_sha256, source_event_id, source_topic, source_partition, source_offset, rules, reason,
    rules_digest, reissue_of, first_event_at, last_event_at, erased_at)
VALUES (
    %(key)s, %(use_case)s, %(document_type)s, %(version)s, %(store_hash)s, %(customer_id)s, %(entity_type)s,
    %(entity_id)s, %(order_id)s, %(communication_id)s, %(locale)s, %(status)s, %(attempt)s, %(channels)s,
    %(job_id)s, %(trace_id)s, %(output_uri)s, %(sha256)s, %(event_id)s, %(source_topic)s,
    %(source_partition)s, %(source_offset)s, %(rules)s, %(reason)s, %(rules_digest)s, %(reissue_of)s,
    %(at)s, %(at)s, %(erased_at)s)
ON CONFLICT (idempotency_key) DO UPDATE SET
    status = CASE
        WHEN EXCLUDED.attempt > documents.attempt THEN EXCLUDED.status
        WHEN EXCLUDED.attempt < documents.attempt THEN documents.status
        WHEN 'FAILED' IN (documents.status, EXCLUDED.status) THEN 'FAILED'
        WHEN 'DELIVERED' IN (documents.status, EXCLUDED.status) THEN 'DELIVERED'
        ELSE documents.status END,
    attempt = GREATEST(documents.attempt, EXCLUDED.attempt),
    channels = ARRAY(SELECT DISTINCT c FROM unnest(documents.channels || EXCLUDED.channels) AS c ORDER BY c),
    exstream_job_id = COALESCE(documents.exstream_job_id, EXCLUDED.exstream_job_id),
    exstream_trace_id = COALESCE(documents.exstream_trace_id, EXCLUDED.exstream_trace_id),
    output_uri = CASE WHEN documents.erased_at IS NULL
                      THEN COALESCE(documents.output_uri, EXCLUDED.output_uri) END,
    output_sha256 = COALESCE(documents.output_sha256, EXCLUDED.output_sha256),
    rules = CASE WHEN cardinality(documents.rules) = 0 THEN EXCLUDED.rules ELSE documents.rules END,
    reason = CASE WHEN documents.reason = '' THEN EXCLUDED.reason ELSE documents.reason END,
    rules_digest = COALESCE(documents.rules_digest, EXCLUDED.rules_digest),
    reissue_of = COALESCE(documents.reissue_of, EXCLUDED.reissue_of),
    first_event_at = LEAST(documents.first_event_at, EXCLUDED.first_event_at),
    last_event_at = GREATEST(documents.last_event_at, EXCLUDED.last_event_at)
"""

_INSERT_EVENT = """
INSERT INTO document_events (
    result_id, idempotency_key, status, channel, occurred_at, attempt, error_class, error_stage,
    error_message, retryable, output_uri, exstream_job_id, event_created_at, started_at, producer_version,
    result_topic, result_partition, result_offset)
VALUES (
    %(result_id)s, %(key)s, %(status)s, %(channel)s, %(at)s, %(attempt)s, %(error_class)s, %(error_stage)s,
    %(error_message)s, %(retryable)s, %(output_uri)s, %(job_id)s, %(event_created_at)s, %(started_at)s,
    %(producer_version)s, %(topic)s, %(partition)s, %(offset)s)
ON CONFLICT (result_id) DO NOTHING
"""

_INSERT_DEAD_LETTER = """
INSERT INTO dead_letters (
    dlq_topic, dlq_partition, dlq_offset, consumer_group, record_key, store_hash, entity_type, entity_id,
    error_class, error_stage, error_message, exception_class, attempts, failed_at, source_topic,
    source_partition, source_offset)
VALUES (
    %(topic)s, %(partition)s, %(offset)s, %(group)s, %(key)s, %(store_hash)s, %(entity_type)s, %(entity_id)s,
    %(error_class)s, %(stage)s, %(message)s, %(exception_class)s, %(attempts)s, %(failed_at)s,
    %(source_topic)s, %(source_partition)s, %(source_offset)s)
ON CONFLICT (dlq_topic, dlq_partition, dlq_offset) DO NOTHING
"""


@dataclass(frozen=True)
class Coordinates:
    """Where a record sits in Kafka."""

    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class DeadLetter:
    """The error context of one dead letter (its headers and key; the value, which may hold personal
    data, is not kept)."""

    at: Coordinates
    key: str | None
    headers: dict[str, str]

    @property
    def entity(self) -> tuple[str | None, str | None, str | None]:
        """``store:entity_type:entity_id`` keys (the ``commerce.*`` snapshots') split into their parts."""
        parts = (self.key or "").split(":")
        return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (None, None, None)


def _pseudonym_for(conn: psycopg.Connection[Any], store_hash: str, customer_id: str | None) -> str | None:
    if customer_id is None:
        return None
    row = conn.execute(
        "SELECT pseudonym FROM erasures WHERE subject = %s", (subject(store_hash, customer_id),)
    ).fetchone()
    return str(row[0]) if row else None


def write_result(conn: psycopg.Connection[Any], result: DocumentResult, at: Coordinates) -> None:
    """Upsert ``result``'s document and insert its event, in one transaction."""
    doc, rcp, why = result.document, result.recipient, result.explanation
    output_uri = result.output.uri if result.output else None
    with conn.transaction():
        pseudonym = _pseudonym_for(conn, rcp.store_hash, rcp.customer_id)
        erased = pseudonym is not None
        params: dict[str, Any] = {
            "key": doc.idempotency_key,
            "use_case": doc.use_case,
            "document_type": doc.document_type,
            "version": doc.idempotency_key.rsplit(":", 1)[-1],
            "store_hash": rcp.store_hash,
            "customer_id": pseudonym if erased else rcp.customer_id,
            "entity_type": rcp.entity_type,
            "entity_id": rcp.entity_id,
            "order_id": rcp.order_id,
            "communication_id": doc.communication_id,
            "locale": doc.locale,
            "status": result.status.value,
            "attempt": result.attempt,
            "channels": [result.channel.value] if result.channel else [],
            "job_id": result.exstream.job_id,
            "trace_id": result.exstream.trace_id,
            "output_uri": None if erased else output_uri,
            "sha256": result.output.sha256 if result.output else None,
            "event_id": result.lineage.source_event_id,
            "source_topic": result.lineage.source_topic,
            "source_partition": result.lineage.source_partition,
            "source_offset": result.lineage.source_offset,
            "rules": why.rules if why else [],
            "reason": why.reason if why else "",
            "rules_digest": why.rules_digest if why else None,
            "reissue_of": why.reissue_of if why else None,
            "at": result.occurred_at,
            "erased_at": datetime.now(UTC) if erased else None,
        }
        conn.execute(_UPSERT_DOCUMENT, params)
        error = result.error
        conn.execute(
            _INSERT_EVENT,
            {
                "result_id": result.result_id,
                "key": doc.idempotency_key,
                "status": result.status.value,
                "channel": result.channel.value if result.channel else None,
                "at": result.occurred_at,
                "attempt": result.attempt,
                "error_class": error.error_class if error else None,
                "error_stage": error.stage if error else None,
                "error_message": error.message if error else None,
                "retryable": error.retryable if error else None,
                "output_uri": None if erased else output_uri,
                "job_id": result.exstream.job_id,
                "event_created_at": result.timing.event_created_at,
                "started_at": result.timing.started_at,
                "producer_version": result.producer_version,
                "topic": at.topic,
                "partition": at.partition,
                "offset": at.offset,
            },
        )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def write_dead_letter(conn: psycopg.Connection[Any], letter: DeadLetter) -> None:
    """Insert the dead letter's error context (once per DLQ offset)."""
    h = letter.headers
    store_hash, entity_type, entity_id = letter.entity
    failed_ms = _int(h.get("bcx.error.timestamp"))
    with conn.transaction():
        conn.execute(
            _INSERT_DEAD_LETTER,
            {
                "topic": letter.at.topic,
                "partition": letter.at.partition,
                "offset": letter.at.offset,
                "group": h.get("bcx.error.group"),
                "key": letter.key,
                "store_hash": store_hash,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "error_class": h.get("bcx.error.class"),
                "stage": h.get("bcx.error.stage"),
                "message": h.get("bcx.error.exception.message"),
                "exception_class": h.get("bcx.error.exception.class"),
                "attempts": _int(h.get("bcx.error.attempts")),
                "failed_at": datetime.fromtimestamp(failed_ms / 1000, UTC)
                if failed_ms
                else datetime.now(UTC),
                "source_topic": h.get("bcx.error.topic"),
                "source_partition": _int(h.get("bcx.error.partition")),
                "source_offset": _int(h.get("bcx.error.offset")),
            },
        )
