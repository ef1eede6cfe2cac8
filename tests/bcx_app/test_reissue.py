"""``bcx reissue`` against a real broker, PostgreSQL, both simulators and the real order-documents consumer:
exactly the selected documents are produced once more under keys naming the re-issue, recorded with who
and why; a dry run and a repeated run produce nothing."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from confluent_kafka import Consumer, TopicPartition

from bcx.contracts.codecs import document_result_codec
from bcx.contracts.document_result import TOPIC as RESULTS_TOPIC
from bcx.contracts.document_result import DocumentResult
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec
from bcx_app.cli.main import main
from consumers.document_index.writer import Coordinates, write_result
from consumers.runtime.ledger import exstream_reference
from tests.bcx_app.flow_world import World, snapshot
from tests.consumers.support import (
    RunningConsumer,
    committed,
    consume_settings,
    create_group_topics,
    end_offsets,
    exstream_settings,
)
from tests.producers.enricher.support import STORE

pytestmark = pytest.mark.integration

PREFIX = f"order_documents:{STORE}:order:3:"


def results_since(kafka: Any, registry: Any, start: dict[int, int]) -> list[DocumentResult]:
    """Order 3's results on documents.results.v1 after ``start`` offsets (other tests share the topic)."""
    codec = document_result_codec(registry)
    ends = end_offsets(kafka, RESULTS_TOPIC)
    consumer = Consumer({**kafka.client_config(), "group.id": f"t-{uuid.uuid4().hex[:6]}"})
    found: list[DocumentResult] = []
    try:
        left = {p for p, end in ends.items() if end > start.get(p, 0)}
        consumer.assign([TopicPartition(RESULTS_TOPIC, p, start.get(p, 0)) for p in left])
        deadline = time.monotonic() + 60
        while left:
            assert time.monotonic() < deadline, f"results partitions {sorted(left)} not read to their end"
            msg = consumer.poll(1)
            if msg is not None and not msg.error() and (msg.key() or b"").decode().startswith(PREFIX):
                found.append(codec.decode(msg.value() or b""))
            # results are written in transactions: the last offset may be a commit marker, never delivered,
            # so a partition is done when the consumer's position reaches its end
            positions = consumer.position([TopicPartition(RESULTS_TOPIC, p) for p in left])
            left -= {tp.partition for tp in positions if tp.offset >= ends[tp.partition]}
    finally:
        consumer.close()
    return found


def wait_drained(kafka: Any, group: str, topic: str) -> None:
    end = time.monotonic() + 90
    while committed(kafka, group, topic, 1).get(0, -1) < sum(end_offsets(kafka, topic).values()):
        assert time.monotonic() < end, "the flow did not catch up"
        time.sleep(0.3)


class TestReissue:
    def test_selected_documents_once_under_new_keys(
        self,
        world: World,
        index_dsn: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The invoice of order 3, re-issued for a reason, is generated once more under
        ``<key>~reissue-<id>`` and indexed as a re-issue by its requester; its other documents are not;
        dry runs and a second run publish and generate nothing."""
        kafka, sim = world.kafka, world.exstream.simulator
        TopicAdmin(kafka.client_config()).create([TopicSpec(RESULTS_TOPIC, 3, 1, {})])
        group = f"bcx-order-documents-{uuid.uuid4().hex[:8]}"
        create_group_topics(kafka, group, partitions=1)
        settings = consume_settings(
            kafka,
            world.registry_settings,
            group=group,
            topics=[world.topic],
            exstream=exstream_settings(world.exstream.base_url),
            storage_root=tmp_path / "documents",
            retry_topic_rounds=0,
        )
        consumer = RunningConsumer("order-documents", world.factory, settings)
        try:
            start = end_offsets(kafka, RESULTS_TOPIC)
            world.publish(snapshot(3))
            wait_drained(kafka, group, world.topic)
            originals = results_since(kafka, world.registry, start)
            with psycopg.connect(index_dsn) as conn:
                for i, result in enumerate(originals):
                    write_result(conn, result, Coordinates(RESULTS_TOPIC, 0, i))
            keys = {r.key for r in originals}
            invoice = next(k for k in keys if ":order_invoice:" in k)
            assert all(sim.count_for(exstream_reference(k)) == 1 for k in keys)

            monkeypatch.setenv("BCX_INDEX__DSN", index_dsn)
            monkeypatch.setenv("BCX_KAFKA__BOOTSTRAP_SERVERS", kafka.bootstrap_servers)
            monkeypatch.setenv("BCX_REGISTRY__URL", world.registry_settings.url)
            argv = [
                "reissue",
                "--flow",
                "order-documents",
                "--order",
                "3",
                "--document-type",
                "order_invoice",
            ]
            argv += ["--reason", "invoice template fix", "--by", "alice", "--topic", world.topic]
            before = end_offsets(kafka, world.topic)
            assert main([*argv, "--dry-run"]) == 0
            assert "would re-issue" in capsys.readouterr().out
            assert end_offsets(kafka, world.topic) == before

            start = end_offsets(kafka, RESULTS_TOPIC)
            assert main(argv) == 0
            wait_drained(kafka, group, world.topic)
            reissued = results_since(kafka, world.registry, start)
            new_keys = {r.key for r in reissued}
            assert len(new_keys) == 1
            (new_key,) = new_keys
            assert new_key.startswith(f"{invoice}~reissue-")
            assert sim.count_for(exstream_reference(new_key)) == 1
            assert all(sim.count_for(exstream_reference(k)) == 1 for k in keys)
            assert all(r.explanation is not None and r.explanation.reissue_of == invoice for r in reissued)
            with psycopg.connect(index_dsn) as conn:
                for i, result in enumerate(reissued):
                    write_result(conn, result, Coordinates(RESULTS_TOPIC, 1, i))
                row = conn.execute(
                    "SELECT d.reissue_of, r.requested_by, r.reason, d.reason FROM documents d "
                    "JOIN reissues r ON r.reissue_key = d.idempotency_key"
                ).fetchone()
            assert row is not None
            assert row[:3] == (invoice, "alice", "invoice template fix")
            assert row[3].startswith("re-issue by alice: invoice template fix")

            capsys.readouterr()
            before = end_offsets(kafka, world.topic)
            assert main(argv) == 0
            assert "already re-issued" in capsys.readouterr().out
            assert end_offsets(kafka, world.topic) == before
            assert sim.count_for(exstream_reference(new_key)) == 1
        finally:
            assert consumer.stop() == 0
