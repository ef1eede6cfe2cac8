"""Batch documents on the runtime, real broker and the Exstream simulator over HTTP: submit, poll, resume.

The simulator's batch jobs run until the test ends them (:class:`HeldSimulator`), so "while the job runs"
is a state the test controls rather than a race against a timer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bcx.contracts.codecs import document_result_codec, ledger_entry_codec
from bcx.contracts.document_result import TOPIC as RESULTS
from bcx.contracts.document_result import DocumentResult, DocumentStatus
from bcx.contracts.ledger_entry import LedgerEntry, LedgerState
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec, group_topic
from bcx.settings import KafkaSettings, RegistrySettings
from consumers.runtime.ledger import exstream_reference
from consumers.runtime.settings import ConsumeSettings
from tests.conftest import NewTopic
from tests.consumers.runtime.batch_support import HeldSimulator, held_simulator
from tests.consumers.runtime.batch_usecase import build, statement_key
from tests.consumers.support import (
    RunningConsumer,
    consume_settings,
    create_group_topics,
    exstream_settings,
    produce,
    settings_env,
)
from tests.support.kafka import consume

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[HeldSimulator]:
    with held_simulator(tmp_path / "outbox") as running:
        yield running


@pytest.fixture
def env(kafka_settings: KafkaSettings, new_topic: NewTopic) -> dict[str, str]:
    """A unique group with its topics, a 2-partition input topic and a unique store (keys never collide)."""
    TopicAdmin(kafka_settings.client_config()).create([TopicSpec(RESULTS, 3, 1, {})])
    group = f"bcx-batch-{uuid.uuid4().hex[:8]}"
    create_group_topics(kafka_settings, group)
    return {
        "group": group,
        "topic": new_topic("statements", partitions=2),
        "store": f"s{uuid.uuid4().hex[:8]}",
    }


def settings_for(
    kafka: KafkaSettings,
    registry: RegistrySettings,
    env: dict[str, str],
    sim: HeldSimulator,
    tmp: Path,
    **rt: Any,
) -> ConsumeSettings:
    exstream = exstream_settings(sim.base_url).model_copy(
        update={"poll_initial_delay_s": 0.1, "poll_max_delay_s": 0.5, "poll_timeout_s": 120.0}
    )
    return consume_settings(
        kafka,
        registry,
        group=env["group"],
        topics=[env["topic"]],
        exstream=exstream,
        storage_root=tmp / "documents",
        **rt,
    )


def statement(env: dict[str, str], n: int, mode: str = "batch") -> tuple[str, dict[str, Any]]:
    return f"{env['store']}:customer:{n}", {"store": env["store"], "statement_id": str(n), "mode": mode}


def reference(env: dict[str, str], n: int) -> str:
    return exstream_reference(statement_key(env["store"], str(n)))


def results_for(
    kafka: KafkaSettings,
    registry: Any,
    env: dict[str, str],
    expected: int,
    timeout: float = 60,
    keep: Callable[[DocumentResult], bool] = lambda r: True,
) -> list[DocumentResult]:
    """Results of the test's store on the shared results topic, read until ``expected`` arrived."""
    codec = document_result_codec(registry)
    found: list[DocumentResult] = []
    deadline = time.monotonic() + timeout
    while len(found) < expected and time.monotonic() < deadline:
        found = [
            r
            for r in (codec.decode(m.value()) for m in consume(kafka, RESULTS, 10**6, timeout=2))
            if r.recipient.store_hash == env["store"] and keep(r)
        ]
    return found


def ledger_history(
    kafka: KafkaSettings, registry: Any, env: dict[str, str], key: str, expected: int
) -> list[LedgerEntry]:
    """The ledger entries written for ``key``, in order (one ledger partition per key)."""
    topic = group_topic(env["group"], "ledger")
    codec = ledger_entry_codec(topic, registry)
    records = consume(kafka, topic, 10**6, timeout=3)
    entries = [codec.decode(m.value()) for m in records if m.key() == key.encode()]
    assert len(entries) >= expected, [e.state for e in entries]
    return entries


def wait_until(predicate: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def job_of(sim: HeldSimulator, env: dict[str, str], n: int) -> str:
    """The id of the one batch job submitted for statement ``n`` (waits for the submission)."""
    wait_until(lambda: len(sim.documents(reference(env, n))) == 1)
    [document] = sim.documents(reference(env, n))
    assert document["mode"] == "BATCH"
    job_id: str = document["jobId"]
    return job_id


def spawn(settings: ConsumeSettings) -> subprocess.Popen[bytes]:
    env = {**os.environ, **settings_env(settings), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bcx_app.cli.main",
            "consume",
            "test-statements",
            "--module",
            "tests.consumers.runtime.batch_usecase:build",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


class TestBatchDocuments:
    def test_batch_job_is_polled_to_generated_delivered_and_stored(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: HeldSimulator,
        tmp_path: Path,
    ) -> None:
        """Two batch statements: one job each, outputs stored, GENERATED and DELIVERED (e-mail, archive)."""
        produce(kafka_settings, env["topic"], [statement(env, 1), statement(env, 2)])
        running = RunningConsumer(
            "t", build, settings_for(kafka_settings, registry_settings, env, sim, tmp_path)
        )
        jobs = {n: job_of(sim, env, n) for n in (1, 2)}
        sim.finish_batches()
        results = results_for(kafka_settings, registry, env, 6)
        assert running.stop() == 0
        assert Counter((r.status, r.channel) for r in results) == {
            (DocumentStatus.GENERATED, None): 2,
            (DocumentStatus.DELIVERED, "EMAIL"): 2,
            (DocumentStatus.DELIVERED, "ARCHIVE"): 2,
        }
        assert {r.exstream.job_id for r in results} == set(jobs.values())
        generated = [r for r in results if r.status is DocumentStatus.GENERATED]
        for result in generated:
            assert result.output is not None
            assert result.output.mime_type == "application/pdf"
            stored = Path(result.output.uri.removeprefix("file://"))
            assert stored.read_bytes().startswith(b"%PDF")
            assert {p.suffix for p in stored.parent.iterdir()} == {".pdf", ".html"}  # every output kept
        assert all(len(sim.jobs(reference(env, n))) == 1 for n in (1, 2))
        assert sim.stat("inputs_requests") == 2

    def test_failed_batch_job_is_dead_lettered_with_a_failed_result(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: HeldSimulator,
        tmp_path: Path,
    ) -> None:
        """A batch job stopped on Exstream's side dead-letters the record with a FAILED, final result."""
        produce(kafka_settings, env["topic"], [statement(env, 1)])
        running = RunningConsumer(
            "t", build, settings_for(kafka_settings, registry_settings, env, sim, tmp_path)
        )
        sim.stop_job(job_of(sim, env, 1))
        letters = consume(kafka_settings, group_topic(env["group"], "dlq"), 1)
        results = results_for(kafka_settings, registry, env, 1)
        assert running.stop() == 0
        headers = dict(letters[0].headers())
        assert headers["bcx.error.class"] == b"exstream.job_failed"
        assert headers["bcx.error.stage"] == b"poll"
        [failed] = results
        assert failed.status is DocumentStatus.FAILED
        assert failed.error is not None
        assert failed.error.error_class == "exstream.job_failed"
        assert not failed.error.retryable
        assert sim.stat("inputs_requests") == 1  # a failed job is not submitted again

    def test_poll_loop_serves_other_records_while_a_batch_job_runs(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: HeldSimulator,
        tmp_path: Path,
    ) -> None:
        """While one key's batch job runs, another key's on-demand record on the same partition completes."""
        running = RunningConsumer(
            "t", build, settings_for(kafka_settings, registry_settings, env, sim, tmp_path)
        )
        produce(kafka_settings, env["topic"], [statement(env, 1)], partition=0)
        batch_job = job_of(sim, env, 1)
        produce(kafka_settings, env["topic"], [statement(env, 2, mode="on_demand")], partition=0)
        on_demand = results_for(kafka_settings, registry, env, 3, keep=lambda r: r.recipient.entity_id == "2")
        assert {r.status for r in on_demand} == {DocumentStatus.GENERATED, DocumentStatus.DELIVERED}
        [job] = sim.jobs(reference(env, 1))
        assert (job["id"], job["status"]) == (batch_job, "started")  # still running meanwhile
        assert not results_for(
            kafka_settings, registry, env, 1, timeout=1, keep=lambda r: r.recipient.entity_id == "1"
        )
        sim.finish_batches()
        batch = results_for(kafka_settings, registry, env, 3, keep=lambda r: r.recipient.entity_id == "1")
        assert running.stop() == 0
        assert {r.exstream.job_id for r in batch} == {batch_job}


class TestBatchCrashes:
    def test_stopped_and_killed_consumers_resume_the_same_job(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: HeldSimulator,
        tmp_path: Path,
    ) -> None:
        """Stopped, then SIGKILLed while the batch job runs: the next consumer polls the same job; one job."""
        settings = settings_for(kafka_settings, registry_settings, env, sim, tmp_path, shutdown_timeout_s=1.0)
        produce(kafka_settings, env["topic"], [statement(env, 1)])
        first = RunningConsumer("t", build, settings)
        job_id = job_of(sim, env, 1)
        assert first.stop() == 0  # the drain deadline abandons the polling record, uncommitted
        key = statement_key(env["store"], "1")
        *_, submitted = ledger_history(kafka_settings, registry, env, key, 2)
        assert (submitted.state, submitted.job_id) == (LedgerState.SUBMITTED, job_id)
        polls = sim.stat("runtime_requests")
        second = spawn(settings)
        try:
            wait_until(lambda: sim.stat("runtime_requests") > polls + 2)  # the second one polls
            second.send_signal(signal.SIGKILL)
            second.wait(10)
        finally:
            second.kill()
        polls = sim.stat("runtime_requests")
        third = spawn(settings)
        try:
            wait_until(lambda: sim.stat("runtime_requests") > polls + 2)  # the third one polls
            sim.finish_batches()
            results = results_for(kafka_settings, registry, env, 3, timeout=90)
            third.send_signal(signal.SIGTERM)
            assert third.wait(60) == 0
        finally:
            third.kill()
        assert sim.stat("inputs_requests") == 1
        assert [j["id"] for j in sim.jobs(reference(env, 1))] == [job_id]
        assert len(sim.documents(reference(env, 1))) == 1
        assert {r.exstream.job_id for r in results} == {job_id}
        states = [(e.state, e.job_id) for e in ledger_history(kafka_settings, registry, env, key, 3)]
        assert states == [
            (LedgerState.STARTED, None),
            (LedgerState.SUBMITTED, job_id),
            (LedgerState.DELIVERED, job_id),
        ]
        assert Counter(r.status for r in results) == {
            DocumentStatus.GENERATED: 1,
            DocumentStatus.DELIVERED: 2,
        }
