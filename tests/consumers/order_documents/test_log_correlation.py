"""Log lines from webhook to result share one correlation field: bridge → enricher → order documents →
Exstream simulator through a real broker, with the process's real logging pipeline capturing every line."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import structlog
from pydantic import SecretStr

from bcx.contracts.codecs import webhook_event_codec
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.logging import configure_logging
from bcx.settings import LogSettings
from producers.webhook_bridge.app import create_app
from producers.webhook_bridge.settings import BridgeOptions, StoreAuth
from tests.consumers.order_documents.test_end_to_end import Pipeline, pipeline
from tests.consumers.support import wait_drained
from tests.producers.enricher.support import STORE

__all__ = ["pipeline"]  # the fixture, imported for use here

pytestmark = pytest.mark.integration

SECRET = "correlation-test-secret"
# what each kind of record-scoped line must carry; every one of them is expected at least once
RECORD_EVENTS = {
    "bridge.callback",
    "enricher.event",
    "enricher.event_failed",
    "runtime.dead_letter",
    "document.done",
    "exstream.request",
    "order_documents.processed",
}


def callback(order_id: Any) -> bytes:
    body = {
        "scope": "store/order/created",
        "store_id": "1",
        "data": {"type": "order", "id": order_id},
        "hash": f"h-{order_id}",
        "created_at": 1_700_000_000,
        "producer": f"stores/{STORE}",
    }
    return json.dumps(body).encode()


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every line the process writes, through the production pipeline (JSON, contextvars, component)."""
    out = io.StringIO()
    # DEBUG: a successful Exstream call's line (exstream.request) is written at debug
    configure_logging(LogSettings(level="DEBUG", format="json"), stream=out, component="e2e")
    yield out
    structlog.reset_defaults()
    logging.basicConfig(force=True)


async def post_callbacks(pipeline: Pipeline, registry: Any, calls: dict[str, Any]) -> None:
    """The bridge (in-process ASGI) publishing onto the enricher's input topic, one event id per call."""
    producer = KafkaProducer(producer_config(pipeline.enricher.kafka))
    bridge = create_app(
        BridgeOptions(topic=pipeline.enricher.input_topic),
        {STORE: StoreAuth(secret=SecretStr(SECRET))},
        producer,
        webhook_event_codec(registry),
    )
    try:
        transport = httpx.ASGITransport(app=bridge.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bridge") as client:
            for event_id, order_id in calls.items():
                headers = {
                    "content-type": "application/json",
                    "x-bcx-webhook-secret": SECRET,
                    "webhook-id": event_id,
                }
                response = await client.post(
                    "/webhooks/bigcommerce", content=callback(order_id), headers=headers
                )
                assert response.status_code == 200
    finally:
        producer.close(timeout=10)


class TestLogCorrelation:
    def test_every_line_about_an_event_names_it(
        self, pipeline: Pipeline, registry: Any, captured: io.StringIO
    ) -> None:
        """A delivered order and an unreadable one: each record-scoped line, from the bridge's callback line
        to the document, Exstream request and dead-letter lines, carries that webhook's event id; every line
        carries ``component``, and the store is spelt ``store_hash`` only."""
        calls = {"evt-order-3": 3, "evt-order-bad": "not-a-number"}
        consumer = pipeline.start()
        try:
            asyncio.run(post_callbacks(pipeline, registry, calls))
            wait_drained(
                pipeline.enricher.kafka, pipeline.enricher.settings.group, pipeline.enricher.input_topic
            )
            wait_drained(pipeline.enricher.kafka, pipeline.group, pipeline.orders_topic)
        finally:
            assert consumer.stop() == 0
        lines = [json.loads(line) for line in captured.getvalue().splitlines() if line.startswith("{")]

        assert lines
        assert all(line.get("component") == "e2e" for line in lines)
        assert not [line for line in lines if "store" in line]
        record_lines = [line for line in lines if line["event"] in RECORD_EVENTS]
        assert {line["event"] for line in record_lines} == RECORD_EVENTS
        missing = [line["event"] for line in record_lines if line.get("event_id") not in calls]
        assert missing == []
        by_event = {(line["event"], line["event_id"]) for line in record_lines}
        for kind in ("bridge.callback", "enricher.event", "document.done", "exstream.request"):
            assert (kind, "evt-order-3") in by_event
        for kind in ("bridge.callback", "enricher.event_failed", "runtime.dead_letter"):
            assert (kind, "evt-order-bad") in by_event
