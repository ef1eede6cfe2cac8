"""Recovery from a failed transaction: the ledger forgets what the failed transaction held, and the
sender carries on with a new producer of the same transactional id."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer
from prometheus_client import CollectorRegistry

from bcx.contracts.codecs import ledger_entry_codec
from bcx.contracts.document_result import DocumentStatus
from bcx.contracts.ledger_entry import LedgerEntry, LedgerState
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.kafka.topics import group_topic
from bcx.settings import KafkaSettings, RegistrySettings
from consumers.runtime.app import Services, UseCase
from consumers.runtime.kafka_ledger import KafkaLedger
from consumers.stream.transactions import Outgoing, TransactionAborted, TransactionalSender
from simulators.exstream import FaultConfig, LatencyConfig, RunningSimulator
from tests.consumers.runtime.test_documents import (  # the fixtures are used by name
    docs,
    env,
    orders,
    results_for,
    settings_for,
    sim,
    wait_until,
)
from tests.consumers.support import RunningConsumer, committed_values, create_group_topics, produce
from tests.consumers.usecase import build

pytestmark = pytest.mark.integration
__all__ = ["env", "sim"]


def _entry(key: str, state: LedgerState) -> LedgerEntry:
    return LedgerEntry(
        idempotency_key=key,
        state=state,
        attempt=1,
        exstream_reference=f"ref-{key}",
        updated_at=datetime.now(UTC),
        owner="test",
        source_topic="in",
        source_partition=0,
        source_offset=0,
    )


class TestLedgerAfterAFailedTransaction:
    def test_entries_of_a_failed_transaction_roll_back_and_a_renewed_sender_commits(
        self, kafka_settings: KafkaSettings, registry: Any
    ) -> None:
        """A final entry committed in one transaction stays; one acknowledged in a transaction that then
        fails goes back to the key's committed STARTED; the renewed sender (generation 2) commits again."""
        group = f"bcx-test-{uuid.uuid4().hex[:8]}"
        create_group_topics(kafka_settings, group)
        topic = group_topic(group, "ledger")
        producer = KafkaProducer(producer_config(kafka_settings))
        ledger = KafkaLedger(kafka_settings, topic, ledger_entry_codec(topic, registry), producer).start()
        txn = TransactionalSender(producer_config(kafka_settings), f"{group}-txn")
        committed, failed, later = "k-committed", "k-failed", "k-later"

        async def scenario() -> None:
            for key in (committed, failed, later):
                await ledger.put(_entry(key, LedgerState.STARTED))
            done = _entry(committed, LedgerState.GENERATED)
            await txn.send_many([ledger.outgoing(done)])
            ledger.applied(done)
            assert txn.commit([], None)
            lost = _entry(failed, LedgerState.GENERATED)
            await txn.send_many([ledger.outgoing(lost)])
            ledger.applied(lost)
            assert ledger.get(failed) == lost
            txn.fail("test: the transaction failed")
            with pytest.raises(TransactionAborted):
                await txn.send_many([ledger.outgoing(_entry(later, LedgerState.GENERATED))])
            assert ledger.rollback() >= 1
            assert txn.renew()
            again = _entry(later, LedgerState.GENERATED)
            await txn.send_many([ledger.outgoing(again)])
            ledger.applied(again)
            assert txn.commit([], None)

        try:
            asyncio.run(scenario())
            assert ledger.wait_caught_up(30)
            states = {k: e.state for k in (committed, failed, later) if (e := ledger.get(k)) is not None}
            assert states == {
                committed: LedgerState.GENERATED,
                failed: LedgerState.STARTED,
                later: LedgerState.GENERATED,
            }
            assert txn.generation == 2
        finally:
            txn.close()
            ledger.close()
            producer.close(5)


class TestOnCommit:
    def test_on_commit_runs_once_its_transaction_committed_and_never_for_a_failed_one(
        self, kafka_settings: KafkaSettings
    ) -> None:
        """What a send's ``on_commit`` reports (a document counted) becomes true with the commit: not
        before it, and not for a transaction that failed (its records are redone and sent again)."""
        group = f"bcx-test-{uuid.uuid4().hex[:8]}"
        create_group_topics(kafka_settings, group)
        topic = group_topic(group, "dlq")
        txn = TransactionalSender(producer_config(kafka_settings), f"{group}-txn")
        calls: list[str] = []

        async def scenario() -> None:
            await txn.send(topic, b"a", on_commit=lambda: calls.append("a"))
            await txn.send_many([Outgoing(topic, b"b")], on_commit=lambda: calls.append("b"))
            assert calls == []
            assert txn.commit([], None)
            assert calls == ["a", "b"]
            await txn.send(topic, b"c", on_commit=lambda: calls.append("c"))
            txn.fail("test: the transaction failed")
            assert txn.renew()
            await txn.send(topic, b"c", on_commit=lambda: calls.append("c again"))
            assert txn.commit([], None)

        try:
            asyncio.run(scenario())
        finally:
            txn.close()
        assert calls == ["a", "b", "c again"]


class TestAnUndeliveredRecord:
    def test_a_record_the_broker_refuses_fails_the_commit_and_nothing_of_its_transaction_shows(
        self, kafka_settings: KafkaSettings, new_topic: Any
    ) -> None:
        """No delivery callback runs per record (it would take the GIL for each): a record the broker
        refuses for good still fails the transaction's commit, a ``read_committed`` reader sees none of
        that transaction, and the renewed sender commits the redone records."""
        small = new_topic("txn-small", configs={"max.message.bytes": "1024"})
        fine = new_topic("txn-fine")
        txn = TransactionalSender(producer_config(kafka_settings), f"txn-{uuid.uuid4().hex[:8]}")
        calls: list[str] = []

        async def scenario() -> None:
            await txn.send(fine, b"doomed", on_commit=lambda: calls.append("doomed"))
            # over the topic's max.message.bytes even compressed (random bytes): refused for good
            await txn.send(small, os.urandom(10_000))
            with pytest.raises(TransactionAborted, match="transaction aborted"):
                txn.commit([], None)
            assert txn.failed is not None
            with pytest.raises(TransactionAborted):
                await txn.send(fine, b"refused")
            assert txn.renew()
            await txn.send(fine, b"redone", on_commit=lambda: calls.append("redone"))
            assert txn.commit([], None)

        try:
            asyncio.run(scenario())
        finally:
            txn.close()
        assert calls == ["redone"]
        assert committed_values(kafka_settings, fine, until=lambda seen: b"redone" in seen) == [b"redone"]


class TestDocumentsAfterAFencedProducer:
    def test_a_fenced_transaction_is_recovered_in_place_with_one_document_and_result_each(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: RunningSimulator,
        tmp_path: Path,
    ) -> None:
        """Mid-work another producer takes the consumer's transactional id (its open transaction is
        aborted, its producer fenced): the same process recovers and finishes; every order has one
        document, one GENERATED and one DELIVERED result, and no result_id is read committed twice."""
        n = 120
        sim.simulator.set_faults(FaultConfig(latency=LatencyConfig(kind="fixed", ms=100)))
        settings = settings_for(
            kafka_settings, registry_settings, env, sim, tmp_path, max_in_flight=32, commit_interval_s=2.0
        )
        captured: list[TransactionalSender] = []
        registries: list[CollectorRegistry] = []

        def factory(services: Services) -> UseCase[dict[str, Any]]:
            assert services.transactions is not None
            captured.append(services.transactions)
            registries.append(services.metrics_registry)
            return build(services)

        produce(kafka_settings, env["topic"], orders(env, range(n)))
        running = RunningConsumer("t", factory, settings)
        try:
            wait_until(lambda: sum(docs(sim, env["store"], i) for i in range(n)) >= 40, timeout=120)
            intruder = Producer(
                {**producer_config(kafka_settings), "transactional.id": captured[0].transactional_id}
            )
            intruder.init_transactions(30)  # fences the consumer's producer, aborts its transaction
            wait_until(lambda: all(docs(sim, env["store"], i) >= 1 for i in range(n)), timeout=180)
            results = results_for(kafka_settings, registry, env["store"], 2 * n, timeout=120)
            assert running.code is None, "the process stopped instead of recovering in place"
        finally:
            code = running.stop()
        assert code == 0
        assert captured[0].generation >= 2
        repeated = {rid: c for rid, c in Counter(r.result_id for r in results).items() if c > 1}
        assert repeated == {}
        assert [docs(sim, env["store"], i) for i in range(n)] == [1] * n
        per_status = Counter(r.status for r in results)
        assert (per_status[DocumentStatus.GENERATED], per_status[DocumentStatus.DELIVERED]) == (n, n)
        # counted at the commit: the aborted transaction's results, redone, count once like their records
        samples = [s for metric in registries[0].collect() for s in metric.samples]
        assert sum(s.value for s in samples if s.name == "bcx_documents_total") == 2 * n
