"""Running the document-index consumer in a thread against the real broker and PostgreSQL."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from pydantic import SecretStr

from bcx.exstream.settings import OutputStorageSettings
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec
from bcx.settings import KafkaSettings, MetricsSettings, RegistrySettings
from consumers.document_index.service import run_index
from consumers.document_index.settings import IndexSection, IndexSettings
from consumers.stream.settings import RuntimeSettings
from tests.consumers.support import committed, create_group_topics


def dlq_topic(kafka: KafkaSettings) -> str:
    """A fresh topic named like a flow's dead-letter topic (``*.dlq.v1``)."""
    name = f"bcx-t{uuid.uuid4().hex[:8]}.dlq.v1"
    TopicAdmin(kafka.client_config()).create([TopicSpec(name, 1, 1, {})])
    return name


def index_settings(
    kafka: KafkaSettings,
    registry: RegistrySettings,
    dsn: str,
    topics: list[str],
    storage_root: Path | None = None,
    **index: Any,
) -> IndexSettings:
    group = f"bcx-document-index-{uuid.uuid4().hex[:8]}"
    create_group_topics(kafka, group, partitions=1)
    return IndexSettings(
        kafka=kafka,
        registry=registry,
        metrics=MetricsSettings(port=0),
        consumer=RuntimeSettings(
            group_id=group, topics=topics, commit_interval_s=0.2, retry_initial_delay_s=0.05
        ),
        index=IndexSection(dsn=SecretStr(dsn), **index),
        output_storage=OutputStorageSettings(root=storage_root or Path("var/test-documents")),
    )


class RunningIndex:
    """``run_index`` in a thread until :meth:`stop`."""

    def __init__(self, settings: IndexSettings) -> None:
        self.group = settings.group
        self.shutdown = threading.Event()
        self.error: BaseException | None = None
        self.code: int | None = None

        def target() -> None:
            try:
                self.code = run_index(settings, shutdown=self.shutdown, install_signals=False)
            except BaseException as exc:  # reported by stop(), not lost in the thread
                self.error = exc

        self._thread = threading.Thread(target=target, name="document-index", daemon=True)
        self._thread.start()

    def stop(self) -> int | None:
        self.shutdown.set()
        self._thread.join(60)
        assert not self._thread.is_alive(), "index consumer did not stop"
        if self.error is not None:
            raise self.error
        return self.code

    def wait_for(self, dsn: str, events: int, dead_letters: int = 0, deadline_s: float = 60) -> None:
        """Until the index holds ``events`` events and ``dead_letters`` dead letters (a wait, not a timing
        assertion: the deadline only stops a broken run from hanging)."""
        end = time.monotonic() + deadline_s
        while True:
            assert self.error is None, self.error
            with psycopg.connect(dsn) as conn:
                seen = counts(conn)
            if seen == (events, dead_letters):
                return
            assert time.monotonic() < end, f"index holds {seen}, expected {(events, dead_letters)}"
            time.sleep(0.2)

    def wait_committed(self, kafka: KafkaSettings, topic: str, offset: int, deadline_s: float = 60) -> None:
        """Until the group committed ``offset`` on partition 0 of ``topic`` (it has read everything)."""
        end = time.monotonic() + deadline_s
        while committed(kafka, self.group, topic, 1).get(0, -1) < offset:
            assert self.error is None, self.error
            assert time.monotonic() < end, f"{self.group} did not reach offset {offset} of {topic}"
            time.sleep(0.2)


def counts(conn: psycopg.Connection[Any]) -> tuple[int, int]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM document_events), (SELECT count(*) FROM dead_letters)"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def dump(conn: psycopg.Connection[Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the index's tables, in a stable order (to compare before and after a replay)."""
    tables = {
        "documents": "idempotency_key",
        "document_events": "result_id",
        "dead_letters": "dlq_topic, dlq_partition, dlq_offset",
    }
    return {t: conn.execute(f"SELECT * FROM {t} ORDER BY {o}").fetchall() for t, o in tables.items()}  # noqa: S608
