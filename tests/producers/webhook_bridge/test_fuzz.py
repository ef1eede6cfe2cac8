"""Fuzzing the bridge over real HTTP: from its OpenAPI document (schemathesis) and near-valid callbacks
(hypothesis). No input may cause a 5xx other than the documented 503, and no rejected input reaches Kafka."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.generation import GenerationMode

from bcx.contracts.codecs import webhook_event_codec
from bcx.settings import KafkaSettings
from producers.webhook_bridge.errors import PayloadRejected
from producers.webhook_bridge.event import stable_event_id
from producers.webhook_bridge.handler import presented_webhook_id
from producers.webhook_bridge.openapi import build_openapi
from producers.webhook_bridge.payload import parse_callback
from tests.producers.webhook_bridge.conftest import BridgeFactory
from tests.producers.webhook_bridge.samples import STORE, callback, encode, shared_headers, stored
from tests.producers.webhook_bridge.server import serve_in_thread
from tests.producers.webhook_bridge.test_payload import json_values
from tests.support.kafka import consume

pytestmark = pytest.mark.integration

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
FUZZ = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=True
)


class Ledger:
    """What the fuzzers were told: event ids answered 200."""

    def __init__(self) -> None:
        self.accepted_ids: set[str] = set()
        self.statuses: dict[int, int] = {}

    def note(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        assert status < 500 or status == 503, status
        if status == 200:
            lowered = {k.lower(): v for k, v in headers.items()}
            self.accepted_ids.add(presented_webhook_id(lowered) or stable_event_id(parse_callback(body)))


def fuzz_operation(
    operation: Any, mode: GenerationMode, auth: dict[str, str], base_url: str, ledger: Ledger
) -> None:
    """Run schemathesis cases of one operation and generation mode, with or without the store's secret."""

    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call_and_validate(base_url=base_url, checks=CHECKS, headers=dict(auth))
        if case.operation.method.upper() == "POST":
            sent = response.request
            ledger.note(response.status_code, sent.body or b"", dict(sent.headers))

    run()


def _assert_nothing_rejected_reached_kafka(
    kafka_settings: KafkaSettings, registry: Any, topic: str, ledger: Ledger
) -> None:
    total = stored(kafka_settings, topic)
    codec = webhook_event_codec(registry)
    ids = {codec.decode(m.value()).event_id for m in consume(kafka_settings, topic, total, timeout=15)}
    assert ids <= ledger.accepted_ids
    assert len(ids) == total  # no event stored twice either (duplicates are answered from the window)


class TestSchemathesis:
    async def test_every_operation_conforms(
        self, bridge_factory: BridgeFactory, kafka_settings: KafkaSettings, registry: Any
    ) -> None:
        """Positive and negative cases for every operation in the document: responses conform, no 5xx but
        a documented 503, and the topic holds nothing that was not answered 200."""
        schema = schemathesis.openapi.from_dict(build_openapi())
        ledger = Ledger()
        async with bridge_factory() as running:
            with serve_in_thread(running.bridge.app, lifespan="off") as base_url:
                for result in schema.get_all_operations():
                    operation = result.ok()  # type: ignore[union-attr]  # Err: our own document is invalid
                    if operation.method.upper() != "POST":  # probes take no input: nothing negative to make
                        fuzz_operation(operation, GenerationMode.POSITIVE, {}, base_url, ledger)
                        continue
                    for mode in GenerationMode:
                        for auth in ({}, shared_headers()):
                            fuzz_operation(operation, mode, auth, base_url, ledger)
            topic = running.topic
        assert ledger.statuses, "nothing was sent"
        assert {400, 401, 422} <= set(ledger.statuses), ledger.statuses
        _assert_nothing_rejected_reached_kafka(kafka_settings, registry, topic, ledger)


near_callbacks = st.fixed_dictionaries(
    {
        "scope": st.sampled_from(["store/order/created", "store/channel/1/cart/abandoned", "store/x"])
        | json_values,
        "producer": st.just(f"stores/{STORE}") | json_values,
        "created_at": st.integers(min_value=-10, max_value=10**13) | json_values,
    },
    optional={
        "store_id": json_values,
        "hash": json_values,
        "data": st.dictionaries(st.sampled_from(["type", "id", "order_id", "cart_id", "x"]), json_values)
        | json_values,
    },
)


class TestNearValidCallbacks:
    async def test_near_valid_callbacks_over_http(
        self, bridge_factory: BridgeFactory, kafka_settings: KafkaSettings, registry: Any
    ) -> None:
        """Authenticated callbacks with mutated fields are accepted (one record each) or refused with a 4xx
        and no record; the answers agree with the pure parser."""
        ledger = Ledger()
        async with bridge_factory() as running:

            def drive() -> None:
                with (
                    serve_in_thread(running.bridge.app, lifespan="off") as base_url,
                    httpx.Client() as client,
                ):

                    @settings(
                        max_examples=150,
                        deadline=None,
                        database=None,
                        suppress_health_check=list(HealthCheck),
                    )
                    @given(
                        document=near_callbacks,
                        content_type=st.sampled_from(["application/json", "text/plain"]),
                    )
                    def run(document: dict[str, Any], content_type: str) -> None:
                        body = json.dumps(document).encode()
                        headers = {**shared_headers(), "content-type": content_type}
                        response = client.post(
                            f"{base_url}/webhooks/bigcommerce", content=body, headers=headers
                        )
                        ledger.note(response.status_code, body, headers)
                        if content_type != "application/json":
                            assert response.status_code == 415
                            return
                        try:
                            parse_callback(body)
                        except PayloadRejected as exc:
                            expected = (exc.status, {"error": exc.reason})
                            assert (response.status_code, response.json()) == expected
                        else:
                            assert response.status_code == 200, response.text

                    run()
                    # and one known-good callback, so the accepted path is always exercised
                    good = encode(callback(data={"type": "order", "id": 99}))
                    response = client.post(
                        f"{base_url}/webhooks/bigcommerce", content=good, headers=shared_headers()
                    )
                    ledger.note(response.status_code, good, shared_headers())

            await asyncio.to_thread(drive)
            topic = running.topic
        assert ledger.statuses.get(200, 0) >= 1
        assert {415, 422} <= set(ledger.statuses), ledger.statuses
        _assert_nothing_rejected_reached_kafka(kafka_settings, registry, topic, ledger)
