"""No stall after rebalances or a broker outage: paused partitions come back, every group drains."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import httpx
import pytest
from confluent_kafka import Consumer

from bcx.kafka.config import consumer_config
from bcx.kafka.topics import group_topic
from bcx.local.kafka_node import free_port
from bcx.settings import KafkaSettings, MetricsSettings, RegistrySettings
from tests.conftest import NewTopic
from tests.consumers.runtime.fault_support import (
    Forwarder,
    group_assignment,
    kill_broker,
    own_broker,
    wait_for,
)
from tests.consumers.runtime.test_runtime_kafka import records
from tests.consumers.support import (
    RunningConsumer,
    committed,
    consume_settings,
    create_group_topics,
    produce,
)
from tests.support.kafka import count

pytestmark = pytest.mark.integration


def _topic(kafka: KafkaSettings, name: str, partitions: int) -> str:
    from bcx.kafka.admin import TopicAdmin
    from bcx.kafka.topics import TopicSpec

    TopicAdmin(kafka.client_config()).create([TopicSpec(name, partitions, 1, {})])
    return name


class TestPausedPartitionsAfterRebalance:
    def test_partitions_paused_for_backpressure_resume_after_revoke_and_reassign(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
    ) -> None:
        """A consumer whose partitions were paused (full window) loses one to a joining member and gets
        it back when that member leaves: once the window frees, every record of both partitions is done."""
        group = f"bcx-test-{uuid.uuid4().hex[:8]}"
        create_group_topics(kafka_settings, group)
        topic = new_topic("in", partitions=2)
        out = new_topic("out", partitions=1)
        produce(kafka_settings, topic, records(40, keys=40))
        forwarder = Forwarder(out)
        settings = consume_settings(
            kafka_settings,
            registry_settings,
            group=group,
            topics=[topic],
            max_in_flight=4,
            max_waiting_records=0,  # the window alone fills the budget: its partitions get paused
            pause_after_s=0.1,
            drain_timeout_s=1.0,
        )
        running = RunningConsumer("forward", forwarder.factory(topic), settings)
        wait_for(lambda: forwarder.running == 4, what="a full window")
        time.sleep(1.0)  # the window stays full past pause_after_s: the runtime pauses its partitions
        intruder = Consumer(consumer_config(kafka_settings, group))
        intruder.subscribe([topic])
        deadline = time.monotonic() + 60
        while not intruder.assignment():
            assert time.monotonic() < deadline, "the joining member got no partition"
            intruder.poll(0.2)
        intruder.close()
        wait_for(
            lambda: list(group_assignment(kafka_settings, group).values()) == [2 + 3],
            what="the first member holding every partition again",
        )
        forwarder.gate.open()
        wait_for(lambda: len(forwarder.done) == 40, timeout=60, what="all 40 records done")
        wait_for(lambda: sum(committed(kafka_settings, group, topic, 2).values()) == 40, timeout=30)
        assert running.stop() == 0


class TestBrokerKilledAndRestarted:
    @pytest.mark.parametrize("transactions", [False, True], ids=["plain-commits", "transactions"])
    def test_group_drains_after_a_broker_kill_and_restart_without_a_process_restart(
        self, tmp_path: Path, registry_settings: RegistrySettings, transactions: bool
    ) -> None:
        """Under load, the broker is SIGKILLed, stays down 15 s and restarts: the same process finishes and
        commits every record and stops with exit 0; with transactions (outputs written in them) it
        recovers from the failed transaction in place, and every record's output is read committed."""
        with own_broker(tmp_path / "kafka") as node:
            kafka = KafkaSettings(bootstrap_servers=node.bootstrap_servers, client_id="bcx-test")
            group = f"bcx-test-{uuid.uuid4().hex[:8]}"
            create_group_topics(kafka, group)
            topic = _topic(kafka, f"in.{uuid.uuid4().hex[:8]}", 4)
            out = _topic(kafka, f"out.{uuid.uuid4().hex[:8]}", 1)
            total = 1500
            produce(kafka, topic, records(total, keys=300))
            forwarder = Forwarder(out, delay_s=0.05, transactional=transactions)
            forwarder.gate.open()
            settings = consume_settings(
                kafka,
                registry_settings,
                group=group,
                topics=[topic],
                max_in_flight=32,
                pause_after_s=0.1,
                drain_timeout_s=2.0,
                shutdown_timeout_s=10.0,
                attempt_timeout_s=20.0,
                stall_timeout_s=60.0,
                transactions=transactions,
            )
            running = RunningConsumer("forward", forwarder.factory(topic), settings)
            wait_for(lambda: len(forwarder.done) >= 200, timeout=120, what="work under way")
            kill_broker(node)
            time.sleep(15)  # past the 10 s session timeout: the member's partitions are lost
            node.start()
            wait_for(
                lambda: sum(committed(kafka, group, topic, 4).values()) == total or running.code is not None,
                timeout=300,
                what="every offset committed",
            )
            assert running.code is None, "the process stopped instead of recovering in place"
            assert running.stop(timeout=60) == 0
            # a set: outputs of records finished past an unfinished one are committed before their offsets
            # and made again when redone; result events stay once through the ledger (test_txn_recovery)
            seqs = {int(json.loads(m)) for m in _values(kafka, out)}
            assert seqs == set(range(total))
            assert count(kafka, group_topic(group, "dlq")) == 0


def _values(kafka: KafkaSettings, topic: str) -> list[bytes]:
    from tests.support.kafka import consume

    return [m.value() for m in consume(kafka, topic, 10**9, timeout=15)]


class TestStallLiveness:
    def test_a_consumer_with_lag_and_no_progress_turns_not_live(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
    ) -> None:
        """A record that never finishes (every attempt runs into its deadline) leaves lag and no progress:
        past the stall timeout /livez answers 503 and bcx_consumer_stalled is 1."""
        group = f"bcx-test-{uuid.uuid4().hex[:8]}"
        create_group_topics(kafka_settings, group)
        topic = new_topic("in", partitions=1)
        produce(kafka_settings, topic, records(3, keys=1))
        forwarder = Forwarder(new_topic("out", partitions=1))  # its gate never opens
        port = free_port()
        settings = consume_settings(
            kafka_settings,
            registry_settings,
            group=group,
            topics=[topic],
            attempt_timeout_s=1.0,
            stall_timeout_s=3.0,
            retry_budget_s=300.0,
            retry_max_attempts=1000,
        ).model_copy(update={"metrics": MetricsSettings(host="127.0.0.1", port=port)})
        running = RunningConsumer("forward", forwarder.factory(topic), settings)
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _status(f"{base}/livez") == 200, what="live at start")
        wait_for(lambda: _status(f"{base}/livez") == 503, timeout=60, what="not live")
        metrics = httpx.get(f"{base}/metrics", timeout=5).text
        assert f'bcx_consumer_stalled{{group="{group}"}} 1.0' in metrics
        assert running.stop() == 0


def _status(url: str) -> int:
    try:
        return httpx.get(url, timeout=5).status_code
    except httpx.HTTPError:
        return 0
