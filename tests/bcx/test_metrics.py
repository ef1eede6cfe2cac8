"""Metrics exposition: a process's own registry served over HTTP."""

from __future__ import annotations

import httpx
from prometheus_client import Counter

from bcx.local.kafka_node import free_port
from bcx.metrics import new_registry, render, serve_metrics
from bcx.settings import MetricsSettings


class TestMetrics:
    def test_serves_its_registry(self) -> None:
        """/metrics shows the counters registered on the process's registry."""
        registry = new_registry()
        Counter("bcx_test_things", "Things counted by the test.", registry=registry).inc(3)
        server = serve_metrics(registry, MetricsSettings(port=free_port()))
        assert server is not None
        try:
            body = httpx.get(f"http://127.0.0.1:{server.port}/metrics", timeout=5).text
        finally:
            server.close()
        assert "bcx_test_things_total 3.0" in body

    def test_port_zero_disables(self) -> None:
        """Port 0 means no exposition server at all."""
        assert serve_metrics(new_registry(), MetricsSettings(port=0)) is None

    def test_render(self) -> None:
        """render gives the text exposition for apps that serve /metrics themselves."""
        registry = new_registry()
        Counter("bcx_rendered", "Rendered.", registry=registry).inc()
        assert b"bcx_rendered_total 1.0" in render(registry)
