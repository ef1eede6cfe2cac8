"""The document-index consumer against real Kafka and real PostgreSQL: replay idempotency and the trace of
an order through every outcome."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from bcx.contracts.codecs import document_result_codec
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.cli.main import main
from consumers.document_index.queries import Selector, trace
from consumers.document_index.retention import prune
from tests.conftest import NewTopic
from tests.consumers.document_index.factories import STORE, order_results, publish, publish_dead_letter
from tests.consumers.document_index.support import RunningIndex, counts, dlq_topic, dump, index_settings

pytestmark = pytest.mark.integration


@pytest.fixture
def indexed(
    kafka_settings: KafkaSettings,
    registry_settings: RegistrySettings,
    registry: Any,
    new_topic: NewTopic,
    index_dsn: str,
) -> tuple[str, list[str], int]:
    """Order 250's results and one dead letter, indexed; returns the DSN, the topics and the event count."""
    results_topic = new_topic("results")
    dlq = dlq_topic(kafka_settings)
    results = order_results("250", "42")
    publish(kafka_settings, results_topic, document_result_codec(registry), results)
    publish_dead_letter(kafka_settings, dlq, "250")
    running = RunningIndex(index_settings(kafka_settings, registry_settings, index_dsn, [results_topic, dlq]))
    try:
        running.wait_for(index_dsn, events=len(results), dead_letters=1)
    finally:
        assert running.stop() == 0
    return index_dsn, [results_topic, dlq], len(results)


class TestReplay:
    def test_replaying_every_topic_from_the_start_changes_no_row(
        self,
        indexed: tuple[str, list[str], int],
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
    ) -> None:
        """A second consumer group reading the same results and dead letters from offset 0 leaves the index
        exactly as it was (upserts keyed by result id and DLQ coordinates)."""
        dsn, topics, events = indexed
        with psycopg.connect(dsn) as conn:
            before = dump(conn)
        assert len(before["documents"]) == 3
        replay = RunningIndex(index_settings(kafka_settings, registry_settings, dsn, topics))
        try:
            replay.wait_committed(kafka_settings, topics[0], events)
            replay.wait_committed(kafka_settings, topics[1], 1)
        finally:
            assert replay.stop() == 0
        with psycopg.connect(dsn) as conn:
            assert dump(conn) == before


class TestTrace:
    def test_an_order_through_every_outcome(self, indexed: tuple[str, list[str], int]) -> None:
        """The order's trace shows each document's decision with its rule and reason, generation, the email
        delivered, the email that failed with its reason, the failed generation and the dead letter."""
        dsn, _topics, _events = indexed
        with psycopg.connect(dsn) as conn:
            found = trace(conn, Selector(order="250", store=STORE))
        by_type = {d.document_type: d for d in found.documents}
        assert set(by_type) == {"order_confirmation", "order_invoice", "payment_receipt"}
        confirmation = by_type["order_confirmation"]
        assert confirmation.rules == ["order_confirmation_rule"]
        assert confirmation.rules_digest == "d1g3st"
        assert confirmation.channels == ["ARCHIVE", "EMAIL"]
        assert [e.status for e in confirmation.events] == ["GENERATED", "DELIVERED", "DELIVERED"]
        assert by_type["order_invoice"].status == "FAILED"
        assert by_type["payment_receipt"].events[0].error_class == "exstream.bad_request"
        kinds = [t.kind for t in found.timeline]
        assert {"event", "decision", "generated", "delivered", "failed", "dead_letter"} == set(kinds)
        failed_email = next(t for t in found.timeline if t.kind == "failed" and t.channel == "EMAIL")
        assert "mailbox unavailable" in failed_email.detail
        assert found.dead_letters[0].error_class == "data.driver_data"
        assert found.next_cursor is None

    def test_pages_follow_the_cursor(self, indexed: tuple[str, list[str], int]) -> None:
        """Two documents per page: the cursor leads to the third and then to no further page."""
        dsn, _topics, _events = indexed
        with psycopg.connect(dsn) as conn:
            first = trace(conn, Selector(customer="42"), limit=2)
            assert first.next_cursor is not None
            second = trace(conn, Selector(customer="42"), limit=2, cursor=first.next_cursor)
        keys = [d.idempotency_key for d in first.documents + second.documents]
        assert len(keys) == len(set(keys)) == 3
        assert second.next_cursor is None


class TestTraceCommand:
    def test_prints_the_timeline_and_json(
        self,
        indexed: tuple[str, list[str], int],
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """`bcx trace --order` prints each step with its reason; `--json` the API's trace; an unknown order
        exits 1."""
        dsn, _topics, _events = indexed
        monkeypatch.setenv("BCX_INDEX__DSN", dsn)
        assert main(["trace", "--order", "250", "--store", STORE]) == 0
        text = capsys.readouterr().out
        assert "decision" in text
        assert "order_confirmation_rule" in text
        assert "mailbox unavailable" in text
        assert main(["trace", "--order", "250", "--json"]) == 0
        assert len(json.loads(capsys.readouterr().out)["documents"]) == 3
        assert main(["trace", "--order", "999"]) == 1


class TestRetention:
    def test_prune_drops_only_what_is_older_than_the_retention(
        self, indexed: tuple[str, list[str], int]
    ) -> None:
        """Documents (with their events) and dead letters older than the retention go; younger ones stay."""
        dsn, _topics, _events = indexed
        with psycopg.connect(dsn) as conn:
            kept = prune(conn, now=datetime(2026, 3, 4, tzinfo=UTC), retention_days=30)
            assert (kept.documents, kept.dead_letters) == (0, 0)
            gone = prune(conn, now=datetime(2027, 3, 4, tzinfo=UTC), retention_days=30)
            assert (gone.documents, gone.dead_letters) == (3, 1)
            assert counts(conn) == (0, 0)
