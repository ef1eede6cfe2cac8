"""``bcx statements plan`` → commerce.schedules.v1 → account-statements consumer → Exstream simulator,
through the real broker, against the B2B simulator (150 requests/min enforced).

A simulated store of 24 companies for December 2025 (the simulator's data ends on 2025-12-31), one of them
given the hand-computed fixture's invoices (fixture.py). The run is larger than the batch threshold, so
the planner publishes chunk requests of three companies and each chunk's documents go through the
Exstream batch input as one job per communication (its id in each result). The first
consumer is a real ``bcx consume`` process, SIGKILLed mid-run; a second one finishes. Then: exactly one
statement per eligible company, each document generated once by Exstream, the fixture's aging buckets in
the stored PDF, and a re-run (plan again and a redelivered request) adds nothing.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bcx.settings import KafkaSettings, RegistrySettings
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.server import start_simulator
from simulators.exstream.config import SimulatorConfig as ExstreamSimulatorConfig
from simulators.exstream.server import running_simulator
from tests.consumers.account_statements.fixture import EXPECTED_AGING, PERIOD, fixture_invoices
from tests.consumers.account_statements.pipeline import Pipeline, eligible, quiet_company
from tests.consumers.support import wait_drained

pytestmark = pytest.mark.integration

COMPANIES = 24
SEED = 42
CHUNK = 3


@pytest.fixture
def pipeline(
    kafka_settings: KafkaSettings,
    registry_settings: RegistrySettings,
    registry: Any,
    new_topic: Any,
    tmp_path: Path,
) -> Iterator[Pipeline]:
    store = f"stm{uuid.uuid4().hex[:8]}"
    sim = SimulatorConfig(store_hashes=(store,), seed=SEED, orders=50, companies=COMPANIES)
    with (
        start_simulator(sim) as bigcommerce,
        running_simulator(ExstreamSimulatorConfig(port=0, outbox=tmp_path / "outbox")) as exstream,
    ):
        yield Pipeline(
            kafka_settings,
            registry_settings,
            registry,
            bigcommerce,
            exstream,
            new_topic("schedules", partitions=3),
            store,
            tmp_path,
            batch_threshold=5,
            batch_chunk=CHUNK,
        )


def wait_until(check: Any, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.3)


class TestStatementRun:
    def test_period_run_survives_a_kill_and_makes_each_document_once(self, pipeline: Pipeline) -> None:
        """Plan, SIGKILL the consumer mid-run, finish with another: one statement per eligible company,
        one Exstream document per key, the fixture's aging in its PDF; re-running adds nothing."""
        seed = SEED * 1000  # the simulator's first store
        fixture_company = quiet_company(seed, COMPANIES)
        pipeline.post_invoices(fixture_invoices(fixture_company))
        expected = eligible(seed, COMPANIES, {fixture_company})

        first_plan = pipeline.plan(PERIOD)
        assert first_plan.published == first_plan.companies > len(expected) // 2
        assert first_plan.chunks == -(-first_plan.companies // CHUNK)

        killed = pipeline.spawn()
        try:
            wait_until(lambda: len(pipeline.generated()) >= 3)
            killed.send_signal(signal.SIGKILL)
            killed.wait(10)
        finally:
            killed.kill()
        at_kill = len(pipeline.generated())

        assert pipeline.plan(PERIOD).published == 0  # idempotent per company and period
        second = pipeline.start()
        wait_drained(pipeline.kafka, pipeline.group, pipeline.topic, timeout=240)
        assert second.stop() == 0

        generated = pipeline.generated()
        assert at_kill < len(generated)  # the kill really was mid-run
        done = [r for r in pipeline.results() if r.status.value == "GENERATED"]
        assert all(r.exstream.job_id for r in done)
        # one job per chunk and communication, not per document
        assert len({r.exstream.job_id for r in done}) <= first_plan.chunks * 3 < len(done)
        statements = {int(k.split(":")[3]) for k in generated if ":account_statement:" in k}
        assert statements == expected
        assert all(pipeline.exstream_pdfs(key) == 1 for key in generated)

        key = f"account_statements:{pipeline.store}:company:{fixture_company}:account_statement:{PERIOD}"
        fields = pipeline.pdf_fields(key)
        for index, (currency, buckets) in enumerate(sorted(EXPECTED_AGING.items())):
            assert fields[f"accounts[{index}].currency"] == currency
            got = {
                fields[f"accounts[{index}].aging[{n}].bucket"]: fields[
                    f"accounts[{index}].aging[{n}].amount.amount"
                ]
                for n in range(5)
            }
            assert got == buckets
        notice = f"account_statements:{pipeline.store}:company:{fixture_company}:aging_notice:{PERIOD}"
        assert "Notice before collection" in pipeline.pdf_text(notice)

        # a re-run: a chunk request redelivered, and the plan again — nothing new
        before = pipeline.results()
        pipeline.redeliver(f"{pipeline.store}:chunk-1:{PERIOD}")
        assert pipeline.plan(PERIOD).published == 0
        third = pipeline.start()
        wait_drained(pipeline.kafka, pipeline.group, pipeline.topic, timeout=120)
        assert third.stop() == 0
        assert len(pipeline.results()) == len(before)
