"""A compacted topic as a key → record table: loaded whole into memory, tailed, written through.

The same pattern as the document ledger (:mod:`consumers.runtime.kafka_ledger`), on the same reader
(:class:`bcx.kafka.compacted.TopicTail`): the topic is the truth, the map is a cache of its last record per
key; a tombstone removes a key. Profiles and contact histories
live in such tables. Every process reading them holds the whole table: audiences are chosen over all
customers and caps are checked for any of them (about 1–2 KB per profile; docs/retention.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from bcx.avro.codec import AvroCodec
from bcx.avro.errors import SerializationError
from bcx.kafka.compacted import TopicTail
from bcx.kafka.producer import KafkaProducer
from bcx.logging import get_logger
from bcx.settings import KafkaSettings

log = get_logger(__name__)

M = TypeVar("M", bound=BaseModel)


class CompactedTable(Generic[M]):
    def __init__(
        self,
        settings: KafkaSettings,
        topic: str,
        codec: AvroCodec[M],
        producer: KafkaProducer | None = None,
        group_of: Callable[[str], str] | None = None,
    ) -> None:
        self.topic = topic
        self._codec = codec
        self._producer = producer
        self._rows: dict[str, M] = {}
        # rows that belong together (a customer's contacts, one row each) found without a scan
        self._group_of = group_of
        self._groups: dict[str, set[str]] = {}
        self._lock = threading.Lock()
        self.errors = 0
        self._tail = TopicTail(settings.client_config(), topic, self._apply, reader="table-reader")

    def start(self) -> CompactedTable[M]:
        self._tail.start()
        return self

    def _apply(self, msg: Any) -> None:
        raw_key = msg.key()
        if raw_key is None:
            return
        key = raw_key.decode(errors="replace")
        if msg.value() is None:
            with self._lock:
                self._set(key, None)
            return
        try:
            row = self._codec.decode(msg.value())
        except SerializationError as exc:
            self.errors += 1
            log.error("table.undecodable", topic=self.topic, partition=msg.partition(), error=str(exc))
            return
        with self._lock:
            self._set(key, row)

    def _set(self, key: str, row: M | None) -> None:
        """Store or remove one row, keeping the group index in step (caller holds the lock)."""
        group = self._group_of(key) if self._group_of is not None else None
        if row is None:
            self._rows.pop(key, None)
            if group is not None and group in self._groups:
                self._groups[group].discard(key)
                if not self._groups[group]:
                    del self._groups[group]
            return
        self._rows[key] = row
        if group is not None:
            self._groups.setdefault(group, set()).add(key)

    def wait_caught_up(self, timeout_s: float) -> bool:
        """Read up to the topic's current end; False if that took longer than ``timeout_s``."""
        return self._tail.wait_caught_up(timeout_s)

    def get(self, key: str) -> M | None:
        with self._lock:
            return self._rows.get(key)

    def in_group(self, group: str) -> dict[str, M]:
        """The rows whose key ``group_of`` maps to ``group`` (a table built without ``group_of``: none)."""
        with self._lock:
            return {key: self._rows[key] for key in self._groups.get(group, ())}

    def rows(self) -> dict[str, M]:
        """A copy of the whole table."""
        with self._lock:
            return dict(self._rows)

    async def put(self, key: str, row: M | None) -> None:
        """Write ``row`` (None: a tombstone) and return once acknowledged; visible to :meth:`get` at once."""
        if self._producer is None:
            raise RuntimeError(f"table {self.topic} is read-only here")
        value = None if row is None else self._codec.encode(row)
        await self._producer.send(self.topic, value, key=key)
        with self._lock:
            self._set(key, row)

    def size(self) -> int:
        with self._lock:
            return len(self._rows)

    def close(self) -> None:
        self._tail.close()


def table_codec(
    model: type[M], schema: str, topic: str, registry: Any, *, auto_register: bool
) -> AvroCodec[M]:
    """``schema``'s file (``schemas/<schema>.avsc``) under ``topic``'s subject (a test's own topic too)."""
    from bcx.avro.schemas import AvroSchema, load_schema

    shared = load_schema(schema)
    return AvroCodec(
        model,
        AvroSchema(topic=topic, text=shared.text, parsed=shared.parsed),
        registry,
        auto_register=auto_register,
    )
