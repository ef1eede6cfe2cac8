"""Result events exactly once: after a kill -9 mid-work, no result_id appears twice (read committed)."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bcx.contracts.document_result import DocumentStatus
from bcx.settings import KafkaSettings, RegistrySettings
from simulators.exstream import FaultConfig, LatencyConfig, RunningSimulator
from tests.consumers.runtime.test_documents import (  # the fixtures are used by name
    docs,
    env,
    orders,
    results_for,
    settings_for,
    sim,
    spawn,
    wait_until,
)
from tests.consumers.support import produce

pytestmark = pytest.mark.integration
__all__ = ["env", "sim"]


class TestResultsExactlyOnce:
    def test_kill_mid_work_then_restart_publishes_each_result_once(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        env: dict[str, str],
        sim: RunningSimulator,
        tmp_path: Path,
    ) -> None:
        """A consumer SIGKILLed while documents are being made and results published, then a second one
        finishing the work: read committed, every order has one GENERATED and one DELIVERED result per
        channel and no result_id occurs twice."""
        n = 150
        sim.simulator.set_faults(FaultConfig(latency=LatencyConfig(kind="fixed", ms=100)))
        settings = settings_for(
            kafka_settings,
            registry_settings,
            env,
            sim,
            tmp_path,
            max_in_flight=32,
            commit_interval_s=2.0,
            transaction_timeout_s=10.0,
        )
        produce(kafka_settings, env["topic"], orders(env, range(n)))
        first = spawn(settings)
        try:
            wait_until(lambda: sum(docs(sim, env["store"], i) for i in range(n)) >= 60, timeout=120)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            first.kill()
        second = spawn(settings)
        try:
            wait_until(lambda: all(docs(sim, env["store"], i) >= 1 for i in range(n)), timeout=180)
            results_for(kafka_settings, registry, env["store"], 2 * n, timeout=120)
            second.send_signal(signal.SIGTERM)
            assert second.wait(60) == 0
        finally:
            second.kill()
        results = results_for(kafka_settings, registry, env["store"], 2 * n, timeout=30)
        repeated = {rid: c for rid, c in Counter(r.result_id for r in results).items() if c > 1}
        assert repeated == {}
        assert [docs(sim, env["store"], i) for i in range(n)] == [1] * n
        per_status = Counter(r.status for r in results)
        assert per_status[DocumentStatus.GENERATED] == n
        assert per_status[DocumentStatus.DELIVERED] == n
