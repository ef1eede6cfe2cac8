"""Erasure against real PostgreSQL, real Kafka and real filesystem storage: afterwards the customer's name
and email are nowhere in the index, the ledger's latest entries or output storage, their documents stop,
and another customer's data is untouched."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import psycopg
import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

from bcx.contracts.codecs import codec_for, ledger_entry_codec
from bcx.contracts.commerce_common import Trigger
from bcx.contracts.commerce_customers import TOPIC as CUSTOMERS_TOPIC
from bcx.contracts.commerce_customers import CustomerSnapshotRecord
from bcx.contracts.ledger_entry import LedgerEntry, LedgerState
from bcx.exstream.storage import FilesystemStorage
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec, group_topic
from bcx.manifest import ConsumerProcess
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.cli.main import main
from consumers.document_index.erasure import ErasureReport, erase
from consumers.document_index.erasure_kafka import ErasureProducer
from consumers.document_index.writer import Coordinates, write_result
from consumers.documents.erasures import ErasedCustomers
from producers.enricher.mapping import Envelope, customer_record
from tests.conftest import NewTopic
from tests.consumers.document_index.factories import STORE, order_results
from tests.consumers.document_index.support import RunningIndex, dump, index_settings
from tests.consumers.support import create_group_topics

pytestmark = pytest.mark.integration

NAME, EMAIL = "Jane Roe", "jane.roe@example.com"
OTHER_NAME, OTHER_EMAIL = "Max Muster", "max@example.org"
NOW = datetime(2026, 4, 1, tzinfo=UTC)


def read_all(kafka: KafkaSettings, topic: str) -> list[tuple[bytes, bytes | None]]:
    """Every (key, value) on partition 0..n of ``topic``, read from the beginning to the end."""
    consumer = Consumer({**kafka.client_config(), "group.id": f"t-{uuid.uuid4().hex[:6]}"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        ends = {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions
        }
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        found: list[tuple[bytes, bytes | None]] = []
        left = {p for p, end in ends.items() if end > 0}
        while left:
            msg = consumer.poll(10)
            assert msg is not None, f"{topic} ended early"
            if msg.error():
                continue
            found.append((msg.key() or b"", msg.value()))
            partition, offset = msg.partition() or 0, msg.offset() or 0
            if offset + 1 >= ends[partition]:
                left.discard(partition)
        return found
    finally:
        consumer.close()


class World:
    """Two customers' documents stored, indexed and in a ledger; the erasure machinery pointed at it."""

    def __init__(self, kafka: KafkaSettings, registry: Any, dsn: str, root: Path) -> None:
        self.flow = ConsumerProcess(
            name=f"t{uuid.uuid4().hex[:6]}-docs", summary="test", input_topics=("x",), argv=("x",)
        )
        create_group_topics(kafka, self.flow.group, partitions=1)
        self.ledger_topic = group_topic(self.flow.group, "ledger")
        self.erasures_topic = f"customers.erasures.{uuid.uuid4().hex[:8]}"
        TopicAdmin(kafka.client_config()).create([TopicSpec(self.erasures_topic, 1, 1, {})])
        self.kafka, self.registry, self.dsn = kafka, registry, dsn
        self.storage = FilesystemStorage(root)
        use_case = self.flow.name.replace("-", "_")
        producer = ErasureProducer(kafka.client_config(), registry, erasures_topic=self.erasures_topic)
        with psycopg.connect(dsn) as conn:
            for order, customer, name, email in (
                ("250", "42", NAME, EMAIL),
                ("251", "77", OTHER_NAME, OTHER_EMAIL),
            ):
                uri = asyncio.run(
                    self.storage.store(
                        f"doc-{order}",
                        "document.pdf",
                        f"Invoice for {name} <{email}>".encode(),
                        "application/pdf",
                    )
                )
                results = order_results(order, customer, uri=uri, use_case=use_case, email=email)
                for offset, result in enumerate(results):
                    write_result(conn, result, Coordinates("documents.results.v1", 0, offset))
                    entry = LedgerEntry(
                        idempotency_key=result.key,
                        state=LedgerState.DELIVERED,
                        attempt=1,
                        exstream_reference="ref",
                        job_id="job",
                        output_uri=uri,
                        channels=["email"],
                        updated_at=NOW,
                        owner="consumer-1",
                        source_topic="commerce.orders.v1",
                        source_partition=0,
                        source_offset=7,
                    )
                    producer.write_ledger(self.ledger_topic, entry)
        producer.flush()

    def erase(self, customer: str) -> ErasureReport:
        producer = ErasureProducer(
            self.kafka.client_config(), self.registry, erasures_topic=self.erasures_topic
        )
        with psycopg.connect(self.dsn) as conn:
            report = asyncio.run(
                erase(
                    conn,
                    STORE,
                    customer,
                    requested_by="dpo@store",
                    now=NOW,
                    storage=self.storage,
                    write_ledger=producer.write_ledger,
                    publish=producer.publish,
                    processes=(self.flow,),
                )
            )
        producer.flush()
        return report

    def index_text(self) -> str:
        with psycopg.connect(self.dsn) as conn:
            return repr(dump(conn))

    def stored_text(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.storage.root.rglob("*") if p.is_file())

    def latest_ledger(self) -> dict[str, LedgerEntry]:
        codec = ledger_entry_codec(self.ledger_topic, self.registry)
        return {
            k.decode(): codec.decode(v) for k, v in read_all(self.kafka, self.ledger_topic) if v is not None
        }


def deleted_customer(store: str, customer: str) -> CustomerSnapshotRecord:
    """What the enricher publishes for store/customer/deleted."""
    event = Trigger(
        event_id="evt-del",
        scope="store/customer/deleted",
        resource_type="customer",
        resource_id=customer,
        created_at=NOW,
        data_json="{}",
    )
    env = Envelope(store, "customer", customer, NOW, event, "test")
    return cast(CustomerSnapshotRecord, customer_record(env, None))


@pytest.fixture
def world(kafka_settings: KafkaSettings, registry: Any, index_dsn: str, tmp_path: Path) -> World:
    return World(kafka_settings, registry, index_dsn, tmp_path / "documents")


class TestErasure:
    def test_no_personal_data_is_left_in_index_ledger_or_storage(self, world: World) -> None:
        """Before: name and email are in storage and the index; after: in none of index, latest ledger
        entries or storage, while the other customer's data is all still there."""
        assert EMAIL in world.index_text()
        assert NAME in world.stored_text()
        report = world.erase("42")
        assert (report.index_documents, report.outputs_deleted, report.outputs_failed) == (3, 1, [])
        index, stored, ledger = world.index_text(), world.stored_text(), repr(world.latest_ledger())
        for needle in (NAME, EMAIL, "'42'"):
            assert needle not in index
            assert needle not in stored
            assert needle not in ledger
        assert OTHER_EMAIL in index
        assert OTHER_NAME in stored

    def test_ledger_keeps_only_keys_and_states(self, world: World) -> None:
        """The erased customer's latest ledger entries keep key, state (as the document step left it) and
        attempt and nothing else; the other customer's entries are untouched."""
        world.erase("42")
        latest = world.latest_ledger()
        erased = {k.split(":")[-2]: e for k, e in latest.items() if ":250:" in k}
        kept = [e for k, e in latest.items() if ":251:" in k]
        states = {t: e.state for t, e in erased.items()}
        assert states == {
            "order_confirmation": LedgerState.DELIVERED,
            "order_invoice": LedgerState.DELIVERED,  # archived, though the email failed
            "payment_receipt": LedgerState.FAILED,
        }
        assert all(e.output_uri is None for e in erased.values())
        assert all((e.job_id, e.channels, e.owner) == (None, [], "erased") for e in erased.values())
        assert all(e.output_uri for e in kept)

    def test_flows_stop_for_the_customer_and_a_rerun_changes_nothing(self, world: World) -> None:
        """The erasure record makes document flows skip the customer (and nobody else); erasing again
        finds the same documents, nothing left to delete, and leaves the index as it was."""
        first = world.erase("42")
        before = world.index_text()
        again = world.erase("42")
        assert (again.index_documents, again.outputs_deleted, again.outputs_missing) == (3, 0, 0)
        assert world.index_text() == before
        erased = ErasedCustomers(world.kafka.client_config(), world.erasures_topic).start()
        try:
            assert erased.wait_ready(30)
            assert erased.erased(STORE, "42")
            assert not erased.erased(STORE, "77")
        finally:
            erased.close()
        assert "ledgers" in "\n".join(first.lines())


class TestCustomerDeletedWebhook:
    def test_the_index_consumer_erases_a_deleted_customer(
        self,
        world: World,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
    ) -> None:
        """A deleted customer snapshot (store/customer/deleted) on the customers topic makes the running
        document-index consumer erase that customer exactly as `bcx erase` does; live customers are kept."""
        customers = new_topic("commerce.customers")
        codec = codec_for(CustomerSnapshotRecord, CUSTOMERS_TOPIC, world.registry)
        producer = Producer(world.kafka.client_config())
        for record in (deleted_customer(STORE, "42"),):
            producer.produce(customers, codec.encode(record), key=record.key.encode())
        assert producer.flush(30) == 0
        settings = index_settings(
            world.kafka,
            registry_settings,
            world.dsn,
            [customers],
            storage_root=world.storage.root,
            erasures_topic=world.erasures_topic,
        )
        running = RunningIndex(settings)
        try:
            running.wait_committed(world.kafka, customers, 1)
        finally:
            assert running.stop() == 0
        assert EMAIL not in world.index_text()
        assert NAME not in world.stored_text()
        assert OTHER_NAME in world.stored_text()
        with psycopg.connect(world.dsn) as conn:
            assert conn.execute("SELECT requested_by FROM erasures").fetchall() == [
                ("store/customer/deleted",)
            ]


class TestEraseCommand:
    def test_bcx_erase_reports_what_was_purged_where(
        self,
        world: World,
        registry_settings: RegistrySettings,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """`bcx erase` purges through the configured index, Kafka and storage and prints a report naming the
        index, the ledger topic, the storage and the erasure record; exit 0."""
        for name, value in {
            "BCX_INDEX__DSN": world.dsn,
            "BCX_INDEX__ERASURES_TOPIC": world.erasures_topic,
            "BCX_KAFKA__BOOTSTRAP_SERVERS": world.kafka.bootstrap_servers,
            "BCX_REGISTRY__URL": registry_settings.url,
            "BCX_OUTPUT_STORAGE__ROOT": str(world.storage.root),
        }.items():
            monkeypatch.setenv(name, value)
        assert main(["erase", "--customer", "42", "--store", STORE, "--requested-by", "dpo"]) == 0
        report = capsys.readouterr().out
        assert "3 documents" in report
        assert f"{world.ledger_topic}: 3" in report
        assert "1 outputs deleted" in report
        assert "customers.erasures.v1" in report
        assert NAME not in world.stored_text()
