"""The bridge end to end with the real broker and registry: what is accepted lands in Kafka, nothing else."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bcx.contracts.codecs import webhook_event_codec
from bcx.settings import KafkaSettings
from producers.webhook_bridge.http_protocol import bounded_protocol
from tests.producers.webhook_bridge.conftest import BridgeFactory
from tests.producers.webhook_bridge.samples import (
    SECRET_HEADER,
    SIGNED_STORE,
    STORE,
    callback,
    empty_example_files,
    encode,
    example_body,
    example_files,
    require_examples,
    shared_headers,
    signed,
    stored,
)
from tests.producers.webhook_bridge.server import serve_in_thread
from tests.support.kafka import consume

pytestmark = pytest.mark.integration

# numbers beyond a double's range: Python reads them as infinity and would publish "Infinity"
OVERFLOWING_ID = encode(callback(data={"type": "order", "id": 7})).replace(b'"id":7', b'"id":1e400')
OVERFLOWING_FIELD = encode(callback(data={"type": "order", "id": 7, "total": 1})).replace(
    b'"total":1', b'"total":-1E999'
)


def records_by_event_id(
    kafka_settings: KafkaSettings, registry: Any, topic: str, expected: int
) -> dict[str, Any]:
    codec = webhook_event_codec(registry)
    out: dict[str, Any] = {}
    for message in consume(kafka_settings, topic, expected):
        event = codec.decode(message.value())
        assert message.key().decode() == event.key
        out[event.event_id] = (event, message.key().decode())
    return out


class TestOfficialExamples:
    async def test_every_example_is_published_with_its_key(
        self, bridge_factory: BridgeFactory, kafka_settings: KafkaSettings, registry: Any
    ) -> None:
        """Each official example body gets 200 and exactly one record keyed store:type:id with its data."""
        require_examples()
        paths = example_files()
        sent: dict[str, tuple[Path, dict[str, Any]]] = {}
        async with bridge_factory() as running:
            for index, path in enumerate(paths):
                msg_id = f"msg_{index}"
                response = await running.post(example_body(path), {**shared_headers(), "webhook-id": msg_id})
                assert response.status_code == 200, (path.name, response.text)
                assert response.content == b""
                sent[msg_id] = (path, json.loads(example_body(path)))
            topic = running.topic
        published = records_by_event_id(kafka_settings, registry, topic, len(paths))
        assert sorted(published) == sorted(sent)
        for msg_id, (event, key) in published.items():
            path, document = sent[msg_id]
            assert event.scope == document["scope"], path.name
            assert json.loads(event.data_json) == document["data"]
            assert event.hash == document["hash"]
            assert event.store_hash == STORE
            assert key == f"{STORE}:{event.resource_type}:{event.resource_id}"
            data = document["data"]
            if "id" in data:
                assert (event.resource_type, event.resource_id) == (data["type"], str(data["id"]))
        assert stored(kafka_settings, topic) == len(paths)

    async def test_empty_upstream_examples_are_refused(
        self, bridge_factory: BridgeFactory, kafka_settings: KafkaSettings
    ) -> None:
        """The two upstream example files that are empty are not callbacks: 400, nothing published."""
        async with bridge_factory() as running:
            require_examples()
            for path in empty_example_files():
                response = await running.post(example_body(path), shared_headers())
                assert response.status_code == 400
                assert response.json() == {"error": "malformed_json"}
            topic = running.topic
        assert stored(kafka_settings, topic) == 0


class TestRejections:
    @pytest.mark.parametrize(
        ("body", "headers", "status", "reason"),
        [
            (b"{nope", shared_headers(), 400, "malformed_json"),
            (
                encode(callback()),
                {SECRET_HEADER: "x", "content-type": "text/plain"},
                415,
                "unsupported_media_type",
            ),
            (encode(callback()), {SECRET_HEADER: "x"}, 415, "unsupported_media_type"),
            (encode(callback(data={"pad": "x" * 70_000})), shared_headers(), 413, "body_too_large"),
            (encode({"scope": "store/order/created"}), shared_headers(), 422, "missing_producer"),
            (encode(callback(created_at=None)), shared_headers(), 422, "missing_created_at"),
            (encode(callback()), shared_headers("wrong"), 401, "invalid_secret"),
            (encode(callback()), {"content-type": "application/json"}, 401, "missing_secret"),
            (encode(callback(store="zzz999")), shared_headers(), 401, "unknown_store"),
            (encode(callback(store=SIGNED_STORE)), shared_headers(), 401, "missing_signature"),
            (OVERFLOWING_ID, shared_headers(), 400, "malformed_json"),
            (OVERFLOWING_FIELD, shared_headers(), 400, "malformed_json"),
            (encode(callback(data={"type": "order"})), shared_headers(), 422, "invalid_resource_id"),
            (
                encode(callback(data={"type": "order", "id": None})),
                shared_headers(),
                422,
                "invalid_resource_id",
            ),
            (
                encode(callback(data={"type": "order", "id": {"n": 1}})),
                shared_headers(),
                422,
                "invalid_resource_id",
            ),
            (
                encode(callback(data={"type": "order", "id": "1:2"})),
                shared_headers(),
                422,
                "invalid_resource_id",
            ),
            (
                encode(callback(data={"type": "or:der", "id": 1})),
                shared_headers(),
                422,
                "invalid_resource_type",
            ),
            (encode(callback()), {**shared_headers(), "x-pad": "x" * 17_000}, 431, "headers_too_large"),
        ],
    )
    async def test_rejection_classes_publish_nothing(
        self,
        bridge_factory: BridgeFactory,
        kafka_settings: KafkaSettings,
        body: bytes,
        headers: dict[str, str],
        status: int,
        reason: str,
    ) -> None:
        """Each class of bad request gets its precise status and JSON reason, and the topic stays empty."""
        async with bridge_factory() as running:
            response = await running.post(body, headers)
            topic = running.topic
            samples = running.bridge.metrics.requests.collect()[0].samples
        assert (response.status_code, response.json()) == (status, {"error": reason})
        assert response.headers["content-type"] == "application/json"
        assert any(s.labels.get("outcome") == reason and s.value == 1 for s in samples)
        assert stored(kafka_settings, topic) == 0

    async def test_forged_and_replayed_signatures_are_refused(
        self, bridge_factory: BridgeFactory, kafka_settings: KafkaSettings, registry: Any
    ) -> None:
        """A forged signature and a stale replay get 401; the genuine signed delivery is published once."""
        body = encode(callback(store=SIGNED_STORE))
        now = int(time.time())
        genuine = {**signed(body, "msg_ok", now), SECRET_HEADER: shared_headers()[SECRET_HEADER]}
        forged = {
            **signed(body, "msg_forged", now, client_secret="attacker"),
            SECRET_HEADER: genuine[SECRET_HEADER],
        }
        replayed = {**signed(body, "msg_old", now - 3600), SECRET_HEADER: genuine[SECRET_HEADER]}
        tampered = dict(genuine)
        async with bridge_factory() as running:
            assert (await running.post(body, forged)).json() == {"error": "invalid_signature"}
            assert (await running.post(body, replayed)).json() == {"error": "stale_timestamp"}
            assert (await running.post(body.replace(b"250", b"251"), tampered)).status_code == 401
            assert (await running.post(body, genuine)).status_code == 200
            topic = running.topic
        published = records_by_event_id(kafka_settings, registry, topic, 1)
        assert list(published) == ["msg_ok"]
        assert published["msg_ok"][0].authentication.value == "BOTH"
        assert stored(kafka_settings, topic) == 1


class TestDuplicatesAndOps:
    async def test_quick_redelivery_is_acknowledged_once(
        self, bridge_factory: BridgeFactory, kafka_settings: KafkaSettings
    ) -> None:
        """The same callback delivered twice within the window gets 200 twice and one record."""
        async with bridge_factory() as running:
            for _ in range(2):
                assert (await running.post(encode(callback()), shared_headers())).status_code == 200
            topic = running.topic
            samples = {
                s.labels["outcome"]: s.value
                for s in running.bridge.metrics.requests.collect()[0].samples
                if s.name.endswith("_total")
            }
        assert samples == {"accepted": 1.0, "duplicate": 1.0}
        assert stored(kafka_settings, topic) == 1

    async def test_health_metrics_and_openapi(self, bridge_factory: BridgeFactory) -> None:
        """/livez and /readyz are 200 with Kafka and schema up; /metrics has the ratio; the doc serves."""
        async with bridge_factory() as running:
            client = running.client
            assert (await client.get("http://bridge/livez")).status_code == 200
            ready = await client.get("http://bridge/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json() == {"status": "ready", "checks": {"kafka": "ok", "schema": "ok"}}
            await running.post(encode(callback()), shared_headers())
            await running.post(b"{", shared_headers())
            metrics = (await client.get("http://bridge/metrics")).text
            assert 'bcx_bridge_requests_total{outcome="accepted",scope="store/order/created"} 1.0' in metrics
            assert (
                'bcx_bridge_requests_total{outcome="malformed_json",scope="unauthenticated"} 1.0' in metrics
            )
            assert "bcx_bridge_success_ratio 0.5" in metrics
            assert "bcx_bridge_produce_duration_seconds_count 1.0" in metrics
            assert (await client.get("http://bridge/openapi.json")).json()["openapi"] == "3.1.0"
            assert (await client.get("http://bridge/webhooks/bigcommerce")).status_code == 405

    async def test_readiness_reports_a_missing_topic(self, bridge_factory: BridgeFactory) -> None:
        """With the configured topic absent, /readyz answers 503 and says so."""
        async with bridge_factory(topic="bigcommerce.webhooks.absent.v1") as running:
            ready = await running.client.get("http://bridge/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["kafka"] == "topic missing"

    async def test_secrets_never_logged(
        self, bridge_factory: BridgeFactory, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Neither the shared secret nor signature material appears in the bridge's log lines."""
        from bcx.logging import configure_logging
        from bcx.settings import LogSettings

        configure_logging(LogSettings(format="json"))
        body = encode(callback(store=SIGNED_STORE))
        headers = {
            **signed(body, "msg_log", int(time.time())),
            SECRET_HEADER: shared_headers()[SECRET_HEADER],
        }
        async with bridge_factory() as running:
            await running.post(body, headers)
            await running.post(encode(callback()), shared_headers("wrong-secret-value"))
        out = capsys.readouterr().out
        assert "bridge.callback" in out
        assert shared_headers()[SECRET_HEADER] not in out
        assert "wrong-secret-value" not in out
        assert headers["webhook-signature"].split(",", 1)[1] not in out


def _send_unfinished_head(base_url: str, header_bytes: int) -> bytes:
    """Send a request head with one header value of ``header_bytes`` and no end, then read the answer."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as conn:
        # one send, well under a loopback segment: the server reads it whole, so closing after its answer
        # leaves nothing unread (unread bytes would turn the close into a reset that loses the answer)
        conn.sendall(b"POST /webhooks/bigcommerce HTTP/1.1\r\nhost: bridge\r\nx-pad: " + b"x" * header_bytes)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


class TestHeaderLimitOverHttp:
    async def test_oversized_head_is_cut_off_with_431(
        self, bridge_factory: BridgeFactory, kafka_settings: KafkaSettings
    ) -> None:
        """Served as ``bcx bridge`` serves it, a head over the limit is answered 431 before it even ends (the
        header is not buffered to its end), while a callback with normal headers and a large body passes."""
        async with bridge_factory() as running:
            with serve_in_thread(running.bridge.app, http=bounded_protocol(16384)) as base_url:
                answer = await asyncio.to_thread(_send_unfinished_head, base_url, 20_000)
                body = encode(callback(data={"type": "order", "id": 9, "pad": "x" * 60_000}))
                response = await asyncio.to_thread(
                    httpx.post, f"{base_url}/webhooks/bigcommerce", content=body, headers=shared_headers()
                )
            topic = running.topic
        assert answer.startswith(b"HTTP/1.1 431 ")
        assert answer.endswith(b'{"error": "headers_too_large"}')
        assert response.status_code == 200
        assert stored(kafka_settings, topic) == 1
