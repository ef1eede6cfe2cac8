"""``bcx index run``: the ``document-index`` consumer group on the consumer runtime.

The runtime owns consumption, retries, the group's own retry and dead-letter topics and commits; this
module gives it a decoder (a result → :class:`~bcx.contracts.document_result.DocumentResult`, a dead
letter → its error context) and a processor writing them through :mod:`.writer`. Writes are idempotent
upserts, so a rebalance, a retry or a full replay from offset 0 leaves the same rows.

PostgreSQL is used through one synchronous connection, serialised by a lock and run in a worker thread:
the index is a side table of the document flows, and one connection sustains thousands of upserts a
second, more than ``documents.results.v1`` carries.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from bcx.avro.codec import AvroCodec
from bcx.contracts.codecs import codec_for, document_result_codec
from bcx.contracts.commerce_customers import TOPIC as CUSTOMERS_TOPIC
from bcx.contracts.commerce_customers import CustomerSnapshotRecord
from bcx.contracts.document_result import DocumentResult
from bcx.exstream.storage import build_storage
from bcx.exstream.storage.base import OutputStorage
from bcx.kafka.errors import ProduceError
from bcx.logging import get_logger
from consumers.document_index.db import connect
from consumers.document_index.erasure import erase
from consumers.document_index.erasure_kafka import ErasureProducer
from consumers.document_index.errors import DocumentIndexError
from consumers.document_index.migrate import migrate
from consumers.document_index.settings import IndexSettings
from consumers.document_index.writer import Coordinates, DeadLetter, write_dead_letter, write_result
from consumers.registry import FLOWS
from consumers.stream.app import StreamServices, UseCase, plain, run_stream
from consumers.stream.errors import PermanentError, RetryableError
from consumers.stream.processor import RecordContext
from consumers.stream.records import SourceRecord

log = get_logger(__name__)


@dataclass(frozen=True)
class CustomerDeleted:
    """store/customer/deleted, as the enricher's deleted customer snapshot: erase the customer."""

    store_hash: str
    customer_id: str


@dataclass(frozen=True)
class Ignored:
    """A record the index has nothing to do with (a customer that still exists)."""


IndexInput = tuple[DocumentResult | DeadLetter | CustomerDeleted | Ignored, Coordinates]
Erase = Callable[[CustomerDeleted], Awaitable[None]]


class IndexDecoder:
    """A dead letter (headers only; ``*.dlq.v1`` topics), a customer snapshot (``commerce.customers.*``)
    or else a result record (Avro), told apart by the topic it first came from (a record on the index's
    own retry topic keeps its origin in headers)."""

    def __init__(
        self, codec: AvroCodec[DocumentResult], customers: AvroCodec[CustomerSnapshotRecord]
    ) -> None:
        self._codec = codec
        self._customers = customers

    def __call__(self, record: SourceRecord) -> IndexInput:
        topic, partition, offset = record.origin
        at = Coordinates(topic, partition, offset)
        if topic.startswith("commerce.customers."):
            if record.value is None:
                return Ignored(), at
            customer = self._customers.decode(record.value)
            if customer.deleted:
                return CustomerDeleted(customer.store_hash, customer.entity_id), at
            return Ignored(), at
        if not topic.endswith(".dlq.v1"):
            if record.value is None:
                raise PermanentError("empty result record", error_class="data.empty", stage="decode")
            return self._codec.decode(record.value), at
        headers = {k: v.decode(errors="replace") for k, v in record.headers if k.startswith("bcx.error.")}
        key = record.key.decode(errors="replace") if record.key is not None else None
        return DeadLetter(at=at, key=key, headers=headers), at


class IndexWriter:
    """The runtime's processor: one input → its rows, committed before returning."""

    def __init__(self, connection: Callable[[], psycopg.Connection[Any]], erase: Erase | None = None) -> None:
        self._connection = connection
        self._erase = erase
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.Lock()

    def _write(self, value: DocumentResult | DeadLetter | Ignored, at: Coordinates) -> None:
        with self._lock:
            if self._conn is None or self._conn.closed:
                self._conn = self._connection()
            if isinstance(value, DeadLetter):
                write_dead_letter(self._conn, value)
            elif isinstance(value, DocumentResult):
                write_result(self._conn, value, at)

    async def process(self, value: IndexInput, ctx: RecordContext) -> None:
        item, at = value
        try:
            if isinstance(item, CustomerDeleted):
                if self._erase is not None:
                    await self._erase(item)
                return
            await asyncio.to_thread(self._write, item, at)
        except psycopg.OperationalError as exc:
            self.close()
            raise RetryableError(
                f"document index unavailable ({type(exc).__name__})",
                error_class="index.unavailable",
                stage="store",
            ) from exc
        except psycopg.Error as exc:
            raise PermanentError(
                f"document index refused the row ({type(exc).__name__})",
                error_class="index.rejected",
                stage="store",
            ) from exc

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _open(dsn: str) -> psycopg.Connection[Any]:
    return psycopg.connect(dsn, connect_timeout=10)


def customer_eraser(dsn: str, storage: OutputStorage, producer: ErasureProducer) -> Erase:
    """store/customer/deleted → the same erasure as ``bcx erase`` (requested by the webhook)."""

    async def erase_customer(deleted: CustomerDeleted) -> None:
        try:
            conn: psycopg.Connection[Any] = await asyncio.to_thread(_open, dsn)
            try:
                report = await erase(
                    conn,
                    deleted.store_hash,
                    deleted.customer_id,
                    requested_by="store/customer/deleted",
                    now=datetime.now(UTC),
                    storage=storage,
                    write_ledger=producer.write_ledger,
                    publish=producer.publish,
                    processes=FLOWS,
                )
            finally:
                conn.close()
            await asyncio.to_thread(producer.flush)
        except (psycopg.OperationalError, DocumentIndexError, ProduceError) as exc:
            raise RetryableError(
                f"erasure not finished ({type(exc).__name__})", error_class="index.erasure", stage="erase"
            ) from exc
        if report.outputs_failed:
            raise RetryableError(
                f"{len(report.outputs_failed)} outputs not deleted",
                error_class="index.erasure",
                stage="erase",
            )
        log.info("index.customer_erased", store_hash=deleted.store_hash, **report.purged)

    return erase_customer


def run_index(
    settings: IndexSettings,
    *,
    shutdown: threading.Event | None = None,
    registry: Any = None,
    install_signals: bool = True,
) -> int:
    """Migrate, then consume until SIGTERM/SIGINT (or ``shutdown``); returns the exit code.

    On the stream runtime's one process assembly (:func:`~consumers.stream.app.run_stream`), without
    transactions: the index's writes go to PostgreSQL, and are idempotent by result id."""
    from consumers.document_index.process import INDEX

    dsn = settings.index.dsn.get_secret_value()
    with connect(dsn) as conn:
        applied = migrate(conn)
    log.info("index.migrated", applied=applied)

    def build(services: StreamServices[IndexSettings]) -> UseCase[IndexInput]:
        erasures = ErasureProducer(
            settings.kafka.client_config(), services.registry, erasures_topic=settings.index.erasures_topic
        )
        storage = build_storage(settings.output_storage)
        writer = IndexWriter(lambda: _open(dsn), erase=customer_eraser(dsn, storage, erasures))
        customers = codec_for(CustomerSnapshotRecord, CUSTOMERS_TOPIC, services.registry, auto_register=False)
        decoder = IndexDecoder(document_result_codec(services.registry, auto_register=False), customers)

        async def close() -> None:
            writer.close()

        return UseCase(INDEX.name, tuple(INDEX.input_topics), decoder, writer, close)

    return run_stream(
        INDEX.name,
        build,
        settings,
        extend=plain,
        shutdown=shutdown,
        registry=registry,
        signals=install_signals,
        transactional=False,
    )
