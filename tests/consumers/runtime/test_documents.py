"""The document step on the runtime, real broker and the Exstream simulator over HTTP: effectively once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bcx.contracts.codecs import document_result_codec
from bcx.contracts.document_result import TOPIC as RESULTS
from bcx.contracts.document_result import DocumentResult, DocumentStatus
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec, group_topic
from bcx.settings import KafkaSettings, RegistrySettings
from consumers.runtime.ledger import exstream_reference
from consumers.runtime.settings import ConsumeSettings
from simulators.exstream import (
    FaultConfig,
    LatencyConfig,
    RunningSimulator,
    SimulatorConfig,
    running_simulator,
)
from tests.conftest import NewTopic
from tests.consumers.support import (
    RunningConsumer,
    consume_settings,
    create_group_topics,
    exstream_settings,
    produce,
    settings_env,
)
from tests.consumers.usecase import build, document_key
from tests.support.kafka import consume

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    with running_simulator(SimulatorConfig(port=0, seed=11, outbox=tmp_path / "outbox")) as running:
        yield running


@pytest.fixture
def env(kafka_settings: KafkaSettings, new_topic: NewTopic) -> dict[str, str]:
    """A unique group with its topics, a 4-partition input topic and a unique store (keys never collide)."""
    TopicAdmin(kafka_settings.client_config()).create([TopicSpec(RESULTS, 3, 1, {})])
    group = f"bcx-doc-{uuid.uuid4().hex[:8]}"
    create_group_topics(kafka_settings, group)
    return {"group": group, "topic": new_topic("orders", partitions=4), "store": f"s{uuid.uuid4().hex[:8]}"}


def settings_for(
    kafka: KafkaSettings,
    registry: RegistrySettings,
    env: dict[str, str],
    sim: RunningSimulator,
    tmp: Path,
    **rt: Any,
) -> ConsumeSettings:
    return consume_settings(
        kafka,
        registry,
        group=env["group"],
        topics=[env["topic"]],
        exstream=exstream_settings(sim.base_url),
        storage_root=tmp / "documents",
        **rt,
    )


def orders(env: dict[str, str], ids: range, **extra: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{env['store']}:order:{i}", {"store": env["store"], "order_id": str(i), **extra}) for i in ids]


def results_for(
    kafka: KafkaSettings, registry: Any, store: str, expected: int, timeout: float = 60
) -> list[DocumentResult]:
    """Results of ``store`` on the shared results topic, read until ``expected`` arrived (or timeout)."""
    codec = document_result_codec(registry)
    found: list[DocumentResult] = []
    deadline = time.monotonic() + timeout
    while len(found) < expected and time.monotonic() < deadline:
        found = [
            r
            for r in (codec.decode(m.value()) for m in consume(kafka, RESULTS, 10**6, timeout=3))
            if r.recipient.store_hash == store
        ]
    return found


def docs(sim: RunningSimulator, store: str, order_id: int) -> int:
    return sim.simulator.count_for(exstream_reference(document_key(store, str(order_id))))


class TestHappyPathAndDuplicates:
    def test_each_order_gets_one_document_delivered_and_reported(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: RunningSimulator,
        tmp_path: Path,
    ) -> None:
        """Five orders → five documents, GENERATED then DELIVERED on e-mail and archive, stored on disk."""
        produce(kafka_settings, env["topic"], orders(env, range(5), channels=["email", "archive"]))
        running = RunningConsumer(
            "t", build, settings_for(kafka_settings, registry_settings, env, sim, tmp_path)
        )
        results = results_for(kafka_settings, registry, env["store"], 15)
        assert running.stop() == 0
        assert Counter((r.status, r.channel) for r in results) == {
            (DocumentStatus.GENERATED, None): 5,
            (DocumentStatus.DELIVERED, "EMAIL"): 5,
            (DocumentStatus.DELIVERED, "ARCHIVE"): 5,
        }
        assert all(docs(sim, env["store"], i) == 1 for i in range(5))
        generated = [r for r in results if r.status is DocumentStatus.GENERATED]
        assert all(r.output and Path(r.output.uri.removeprefix("file://")).is_file() for r in generated)
        assert {r.lineage.source_topic for r in results} == {env["topic"]}
        assert len(list((tmp_path / "outbox" / "email").glob("*.eml"))) == 5

    def test_duplicate_records_and_a_restart_make_one_document(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: RunningSimulator,
        tmp_path: Path,
    ) -> None:
        """The same order three times, then again to a fresh process: one document, results never re-sent."""
        produce(kafka_settings, env["topic"], orders(env, range(1)) * 3)
        settings = settings_for(kafka_settings, registry_settings, env, sim, tmp_path)
        running = RunningConsumer("t", build, settings)
        results_for(kafka_settings, registry, env["store"], 2)
        time.sleep(2)
        assert running.stop() == 0
        produce(kafka_settings, env["topic"], orders(env, range(1)))
        again = RunningConsumer("t", build, settings)
        time.sleep(5)
        assert again.stop() == 0
        assert docs(sim, env["store"], 0) == 1
        assert len(results_for(kafka_settings, registry, env["store"], 2, timeout=5)) == 2


class TestFailures:
    def test_503_storm_is_retried_to_exactly_one_document_each(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: RunningSimulator,
        tmp_path: Path,
    ) -> None:
        """With 60 % of generate calls answered 503, every order still ends with exactly one document."""
        sim.simulator.set_faults(FaultConfig(error_rate=0.6, error_status=503))
        produce(kafka_settings, env["topic"], orders(env, range(10)))
        running = RunningConsumer(
            "t",
            build,
            settings_for(kafka_settings, registry_settings, env, sim, tmp_path, retry_max_attempts=30),
        )
        results = results_for(kafka_settings, registry, env["store"], 20)
        assert running.stop() == 0
        assert [docs(sim, env["store"], i) for i in range(10)] == [1] * 10
        assert not [r for r in results if r.status is DocumentStatus.FAILED]
        assert sim.simulator.state.stats["inputs_requests"] > 10

    def test_400_dead_letters_at_once_with_a_failed_result(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: RunningSimulator,
        tmp_path: Path,
    ) -> None:
        """A request Exstream rejects with 400 is sent once, dead-lettered and reported FAILED."""
        produce(kafka_settings, env["topic"], orders(env, range(1), communication_id=""))
        running = RunningConsumer(
            "t", build, settings_for(kafka_settings, registry_settings, env, sim, tmp_path)
        )
        letters = consume(kafka_settings, group_topic(env["group"], "dlq"), 1)
        results = results_for(kafka_settings, registry, env["store"], 1)
        assert running.stop() == 0
        assert sim.simulator.state.stats["inputs_requests"] == 1
        headers = dict(letters[0].headers())
        assert headers["bcx.error.class"] == b"exstream.bad_request"
        assert headers["bcx.error.stage"] == b"generate"
        [failed] = results
        assert failed.status is DocumentStatus.FAILED
        assert failed.error is not None
        assert failed.error.error_class == "exstream.bad_request"
        assert not failed.error.retryable

    @pytest.mark.parametrize("types", [("invoice", "receipt"), ("invoice", "receipt", "confirmation")])
    def test_every_failed_document_of_one_record_gets_its_failed_result(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: RunningSimulator,
        tmp_path: Path,
        types: tuple[str, ...],
    ) -> None:
        """A record whose two (three) documents Exstream all rejects yields one dead letter and two (three)
        FAILED results, one per document, not only the one of the error that was raised."""
        produce(
            kafka_settings, env["topic"], orders(env, range(1), communication_id="", document_types=types)
        )
        running = RunningConsumer(
            "t", build, settings_for(kafka_settings, registry_settings, env, sim, tmp_path)
        )
        letters = consume(kafka_settings, group_topic(env["group"], "dlq"), 1)
        results = results_for(kafka_settings, registry, env["store"], len(types))
        assert running.stop() == 0
        assert len(letters) == 1
        assert sorted(r.document.document_type for r in results) == sorted(types)
        assert {r.status for r in results} == {DocumentStatus.FAILED}
        assert len({r.result_id for r in results}) == len(types)


def spawn(settings: ConsumeSettings) -> subprocess.Popen[bytes]:
    env = {**os.environ, **settings_env(settings), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bcx_app.cli.main",
            "consume",
            "test-documents",
            "--module",
            "tests.consumers.usecase:build",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until(predicate: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


class TestCrashAndRebalance:
    @pytest.mark.parametrize("fault", ["slow_call", "reply_lost"])
    def test_sigkill_during_the_exstream_call_then_restart_makes_one_document(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: RunningSimulator,
        tmp_path: Path,
        fault: str,
    ) -> None:
        """Killed mid-call (before or after Exstream made it), a restarted consumer makes one document."""
        if fault == "slow_call":  # the document is made only after the latency: the kill lands before it
            sim.simulator.set_faults(FaultConfig(latency=LatencyConfig(kind="fixed", ms=4000)))
        else:  # the document is made, then the reply hangs: the outcome is unknown to the consumer
            sim.simulator.set_faults(FaultConfig(hang_rate=1.0, hang_s=60))
        settings = settings_for(kafka_settings, registry_settings, env, sim, tmp_path)
        produce(kafka_settings, env["topic"], orders(env, range(1)))
        first = spawn(settings)
        try:
            wait_until(lambda: sim.simulator.state.stats["inputs_requests"] >= 1)
            if fault == "reply_lost":
                wait_until(lambda: docs(sim, env["store"], 0) == 1)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            first.kill()
        sim.simulator.set_faults(FaultConfig())
        second = spawn(settings)
        try:
            results = results_for(kafka_settings, registry, env["store"], 2, timeout=90)
            second.send_signal(signal.SIGTERM)
            assert second.wait(60) == 0
        finally:
            second.kill()
        assert docs(sim, env["store"], 0) == 1
        assert {r.status for r in results} == {DocumentStatus.GENERATED, DocumentStatus.DELIVERED}

    def test_rebalance_mid_stream_loses_nothing_and_duplicates_nothing(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: RunningSimulator,
        tmp_path: Path,
    ) -> None:
        """A second consumer joins mid-stream; every order ends with exactly one document and its results."""
        sim.simulator.set_faults(FaultConfig(latency=LatencyConfig(kind="fixed", ms=50)))
        n = 120
        produce(kafka_settings, env["topic"], orders(env, range(n)))
        settings = settings_for(kafka_settings, registry_settings, env, sim, tmp_path, max_in_flight=16)
        first = RunningConsumer("t", build, settings)
        wait_until(lambda: sum(docs(sim, env["store"], i) for i in range(n)) >= 20)
        second = RunningConsumer("t", build, settings)
        wait_until(lambda: all(docs(sim, env["store"], i) >= 1 for i in range(n)), timeout=120)
        time.sleep(2)
        assert first.stop() == 0
        assert second.stop() == 0
        assert [docs(sim, env["store"], i) for i in range(n)] == [1] * n
        results = results_for(kafka_settings, registry, env["store"], 2 * n)
        generated = Counter(
            r.document.idempotency_key for r in results if r.status is DocumentStatus.GENERATED
        )
        assert len(generated) == n
