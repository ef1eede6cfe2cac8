"""``bcx bridge`` as an operator runs it: the published OpenAPI document, and serving with a graceful stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bcx.local.kafka_node import free_port
from bcx.settings import KafkaSettings, RegistrySettings
from producers.webhook_bridge.openapi import build_openapi
from tests.conftest import NewTopic
from tests.producers.webhook_bridge.samples import (
    SECRET,
    SECRET_HEADER,
    STORE,
    callback,
    encode,
    shared_headers,
    stored,
)

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "docs" / "openapi" / "webhook-bridge.json"


class TestOpenApi:
    def test_committed_document_is_current(self) -> None:
        """docs/openapi/webhook-bridge.json is exactly what the bridge serves (regenerate with --openapi)."""
        assert json.loads(COMMITTED.read_text()) == build_openapi()

    def test_cli_prints_the_document(self) -> None:
        """``bcx bridge --openapi`` prints the committed document."""
        out = subprocess.run(
            [sys.executable, "-m", "bcx_app.cli.main", "bridge", "--openapi"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        assert out == COMMITTED.read_text()

    def test_document_is_valid_openapi(self) -> None:
        """schemathesis loads the document and finds every operation."""
        import schemathesis

        schema = schemathesis.openapi.from_dict(build_openapi())
        assert len([op for op in schema.get_all_operations()]) == 5


@pytest.mark.integration
class TestServe:
    def test_serves_then_stops_gracefully(
        self,
        kafka_settings: KafkaSettings,
        registry_settings: RegistrySettings,
        new_topic: NewTopic,
        tmp_path: Path,
    ) -> None:
        """``bcx bridge`` answers callbacks after Kafka acks, serves its metrics on BCX_METRICS__PORT too, and
        on SIGTERM stops accepting, flushes the producer (nothing undelivered) and exits."""
        topic = new_topic("bigcommerce.webhooks")
        port = free_port()
        metrics_port = free_port()
        env = {
            **os.environ,
            "BCX_KAFKA__BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers,
            "BCX_REGISTRY__URL": registry_settings.url,
            "BCX_BRIDGE__TOPIC": topic,
            "BCX_BRIDGE__STORES": json.dumps({STORE: {"secret_header": SECRET_HEADER, "secret": SECRET}}),
            "BCX_LOG__FORMAT": "json",
            "BCX_METRICS__PORT": str(metrics_port),
        }
        log = tmp_path / "bridge.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bcx_app.cli.main", "bridge", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, log.read_text()
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            for i in range(5):
                body = encode(callback(data={"type": "order", "id": i}))
                response = httpx.post(f"{base}/webhooks/bigcommerce", content=body, headers=shared_headers())
                assert response.status_code == 200
            scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
            assert 'bcx_bridge_requests_total{outcome="accepted",scope="store/order/created"} 5.0' in scraped
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        events = {line["event"]: line for line in lines}
        # uvicorn re-raises the captured SIGTERM once its graceful shutdown is done
        assert code in (0, -signal.SIGTERM)
        assert events["bridge.stopped"]["undelivered"] == 0
        assert sum(1 for line in lines if line["event"] == "bridge.callback") == 5
        assert stored(kafka_settings, topic) == 5
