"""Erasing a customer: ``bcx erase --customer ID --store S`` and store/customer/deleted (``bcx index run``).

In order, so a crash part-way is finished by running it again (every step is idempotent):

1. the index records the erasure by a hash of store and customer (no clear id kept; new results for
   the customer are stored pseudonymised from now on) and lists the customer's documents and outputs;
2. the ledgers: each of those documents' ledger entry is rewritten with only its key, state and attempt
   (compaction then drops the older entries of the key);
3. output storage: each stored output is deleted through its backend (filesystem or S3);
4. ``customers.erasures.v1``: the erasure record, which every document flow reads to send nothing more
   (produced first, before 2 and 3, because stopping new documents matters most);
5. the index rows get a pseudonym instead of the customer id and lose output locations and error texts
   (last, so an interrupted run still finds what it has to finish).

The report says what was purged where. Raw events on Kafka topics are bounded by the topics' retention
(docs/document-index.md), which bcx does not rewrite.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg

from bcx.contracts.erasure import CustomerErasure
from bcx.contracts.ledger_entry import LedgerEntry, LedgerState
from bcx.exstream.errors import OutputStorageError
from bcx.exstream.storage.base import OutputStorage
from bcx.kafka.topics import group_topic
from bcx.manifest import ConsumerProcess
from consumers.document_index.db import pseudonym, subject
from consumers.runtime.ledger import exstream_reference

#: writes one ledger entry to a ledger topic (key = its idempotency key); the caller flushes
LedgerWrite = Callable[[str, LedgerEntry], None]


@dataclass
class ErasureReport:
    store_hash: str
    pseudonym: str
    requested_by: str
    index_documents: int = 0
    index_events: int = 0
    ledger_entries: dict[str, int] = field(default_factory=dict)
    outputs_deleted: int = 0
    outputs_missing: int = 0
    outputs_failed: list[str] = field(default_factory=list)

    @property
    def purged(self) -> dict[str, int]:
        return {
            "index_documents": self.index_documents,
            "index_events": self.index_events,
            "ledger_entries": sum(self.ledger_entries.values()),
            "stored_outputs": self.outputs_deleted,
        }

    def lines(self) -> list[str]:
        ledgers = ", ".join(f"{t}: {n}" for t, n in sorted(self.ledger_entries.items())) or "none"
        lines = [
            f"erased customer of store {self.store_hash} (now {self.pseudonym}), "
            f"requested by {self.requested_by}",
            f"  index      {self.index_documents} documents and {self.index_events} events pseudonymised",
            f"  ledgers    entries reduced to key and state: {ledgers}",
            f"  storage    {self.outputs_deleted} outputs deleted, {self.outputs_missing} already gone",
            "  kafka      erasure record on customers.erasures.v1; flows send nothing more to this customer;",
            "             raw events expire with their topics' retention (docs/document-index.md)",
        ]
        if self.outputs_failed:
            lines.append(
                f"  FAILED to delete {len(self.outputs_failed)} outputs (run again): {self.outputs_failed}"
            )
        return lines


@dataclass(frozen=True)
class _Purged:
    documents: list[tuple[str, str, LedgerState, int]]  # key, use case, ledger state, attempt
    outputs: list[str]


def _ledger_state(delivered: bool, generated: bool) -> LedgerState:
    """The state the document step wrote last: DELIVERED when a channel delivered, GENERATED when generated
    only, FAILED otherwise (the events say which, whatever the index's summary status)."""
    if delivered:
        return LedgerState.DELIVERED
    return LedgerState.GENERATED if generated else LedgerState.FAILED


def collect(
    conn: psycopg.Connection[Any], store_hash: str, customer_id: str, *, requested_by: str, now: datetime
) -> _Purged:
    """Record the erasure (from now on new results are stored pseudonymised) and collect what to purge:
    the customer's documents, their ledger states and stored outputs. Rows already pseudonymised by an
    interrupted run are included, so running again finishes the work."""
    alias = pseudonym(store_hash, customer_id)
    with conn.transaction():
        conn.execute(
            "INSERT INTO erasures (subject, store_hash, pseudonym, requested_by, requested_at) "
            "VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (subject) DO UPDATE SET requested_at = EXCLUDED.requested_at",
            (subject(store_hash, customer_id), store_hash, alias, requested_by, now),
        )
        rows = conn.execute(
            "SELECT idempotency_key, use_case, attempt, output_uri FROM documents "
            "WHERE store_hash = %s AND customer_id IN (%s, %s)",
            (store_hash, customer_id, alias),
        ).fetchall()
        keys = [r[0] for r in rows]
        states = {
            r[0]: _ledger_state(bool(r[1]), bool(r[2]))
            for r in conn.execute(
                "SELECT e.idempotency_key, bool_or(e.status = 'DELIVERED'), bool_or(e.status = 'GENERATED') "
                "FROM document_events e JOIN documents d USING (idempotency_key) "
                "WHERE e.idempotency_key = ANY(%s) AND e.attempt = d.attempt GROUP BY 1",
                (keys,),
            ).fetchall()
        }
        outputs = {r[3] for r in rows if r[3]} | {
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT output_uri FROM document_events WHERE idempotency_key = ANY(%s) "
                "AND output_uri IS NOT NULL",
                (keys,),
            ).fetchall()
        }
    documents = [(r[0], r[1], states.get(r[0], LedgerState.FAILED), r[2]) for r in rows]
    return _Purged(documents, sorted(outputs))


def pseudonymise(
    conn: psycopg.Connection[Any], store_hash: str, customer_id: str, keys: list[str], now: datetime
) -> int:
    """The last step: the rows get the pseudonym and lose output locations and error texts; returns the
    number of events touched. Done after storage and ledgers, so an interrupted run still finds them."""
    with conn.transaction():
        conn.execute(
            "UPDATE documents SET customer_id = %s, output_uri = NULL, erased_at = COALESCE(erased_at, %s) "
            "WHERE idempotency_key = ANY(%s)",
            (pseudonym(store_hash, customer_id), now, keys),
        )
        return conn.execute(
            "UPDATE document_events SET output_uri = NULL, error_message = NULL "
            "WHERE idempotency_key = ANY(%s)",
            (keys,),
        ).rowcount


def scrubbed_entry(key: str, state: LedgerState, attempt: int, now: datetime) -> LedgerEntry:
    """A ledger entry with only the key, its state and attempt (what keeps the document from being sent
    again); everything else a reader could link to the customer is dropped."""
    return LedgerEntry(
        idempotency_key=key,
        state=state,
        attempt=max(attempt, 1),
        exstream_reference=exstream_reference(key),
        updated_at=now,
        owner="erased",
        source_topic="erasure",
        source_partition=-1,
        source_offset=-1,
    )


async def erase(
    conn: psycopg.Connection[Any],
    store_hash: str,
    customer_id: str,
    *,
    requested_by: str,
    now: datetime,
    storage: OutputStorage,
    write_ledger: LedgerWrite,
    publish: Callable[[CustomerErasure], None],
    processes: tuple[ConsumerProcess, ...],
) -> ErasureReport:
    """Erase the customer everywhere bcx keeps them; ``processes`` maps use cases to their ledger topics."""
    # the database calls block: off the event loop, so a consumer process keeps serving while it erases
    purged = await asyncio.to_thread(
        collect, conn, store_hash, customer_id, requested_by=requested_by, now=now
    )
    report = ErasureReport(store_hash, pseudonym(store_hash, customer_id), requested_by)
    # stopping every future document matters most: the record goes out before the slower purges
    publish(
        CustomerErasure(
            subject=subject(store_hash, customer_id),
            store_hash=store_hash,
            requested_at=now,
            requested_by=requested_by,
            purged={
                "index_documents": len(purged.documents),
                "ledger_entries": len(purged.documents),
                "stored_outputs": len(purged.outputs),
            },
        )
    )
    groups = {p.name.replace("-", "_"): p.group for p in processes}
    for key, use_case, state, attempt in purged.documents:
        topic = group_topic(groups.get(use_case, f"bcx-{use_case.replace('_', '-')}"), "ledger")
        write_ledger(topic, scrubbed_entry(key, state, attempt, now))
        report.ledger_entries[topic] = report.ledger_entries.get(topic, 0) + 1
    for uri in purged.outputs:
        try:
            if await storage.delete(uri):
                report.outputs_deleted += 1
            else:
                report.outputs_missing += 1
        except OutputStorageError:
            report.outputs_failed.append(uri)
    if report.outputs_failed:
        return report  # the rows keep their output locations, so running again retries exactly those
    keys = [d[0] for d in purged.documents]
    report.index_documents = len(keys)
    report.index_events = await asyncio.to_thread(pseudonymise, conn, store_hash, customer_id, keys, now)
    return report
