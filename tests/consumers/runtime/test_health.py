"""The health server answers liveness, readiness and metrics from the callables it is given."""

from __future__ import annotations

import httpx

from bcx.metrics import new_registry
from consumers.stream.health import HealthServer
from consumers.stream.metrics import RuntimeMetrics


class TestHealthServer:
    def test_probes_follow_their_checks_and_metrics_are_served(self) -> None:
        """/livez is 200 while alive, /readyz 503 while not ready, /metrics exposes the group's series."""
        registry = new_registry()
        metrics = RuntimeMetrics(registry, "bcx-test")
        metrics.outcome("ok")
        state = {"ready": False}
        server = HealthServer(
            "127.0.0.1", 0, registry=registry, alive=lambda: True, ready=lambda: state["ready"]
        )
        try:
            base = f"http://127.0.0.1:{server.port}"
            assert httpx.get(f"{base}/livez").status_code == 200
            assert httpx.get(f"{base}/readyz").status_code == 503
            state["ready"] = True
            assert httpx.get(f"{base}/readyz").status_code == 200
            body = httpx.get(f"{base}/metrics").text
            assert 'bcx_consumer_records_total{group="bcx-test",outcome="ok"} 1.0' in body
            assert httpx.get(f"{base}/nope").status_code == 404
        finally:
            server.close()
