"""The returns intake (``POST /returns/v1``) on the bridge's machinery, with the real broker and registry:
what is accepted lands on the returns topic as ``commerce.returns.v1``, nothing else does."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import Consumer, TopicPartition
from pydantic import SecretStr

from bcx.contracts.codecs import codec_for, webhook_event_codec
from bcx.contracts.commerce_returns import TOPIC as RETURNS_TOPIC
from bcx.contracts.commerce_returns import ReturnRecord, ReturnSubmission
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.local.kafka_node import free_port
from bcx.settings import KafkaSettings
from producers.webhook_bridge.app import create_app
from producers.webhook_bridge.errors import AuthenticationFailed
from producers.webhook_bridge.returns_intake import authenticate_client
from producers.webhook_bridge.returns_openapi import build_returns_openapi
from producers.webhook_bridge.settings import BridgeOptions, ReturnsClient
from tests.conftest import NewTopic
from tests.producers.webhook_bridge.conftest import default_stores
from tests.support.kafka import consume

URL = "http://bridge/returns/v1"
TOKEN = "returns-service-token-0123456789"
OTHER_TOKEN = "another-service-token-9876543210"
EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "return-submission.json"


def clients() -> dict[str, ReturnsClient]:
    return {
        "loop": ReturnsClient(token=SecretStr(TOKEN), stores=frozenset({"abc123"})),
        "other": ReturnsClient(token=SecretStr(OTHER_TOKEN), stores=frozenset({"zzz999"})),
    }


def example(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    body.update(changes)
    return body


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "content-type": "application/json"}


def stored_count(kafka: KafkaSettings, topic: str) -> int:
    """Records on ``topic`` (high minus low watermark of every partition): exact, no waiting."""
    consumer = Consumer({**kafka.client_config(), "group.id": f"probe-{uuid.uuid4().hex[:6]}"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        marks = [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10) for p in partitions]
        return sum(high - low for low, high in marks)
    finally:
        consumer.close()


Intake = Callable[..., Any]


@pytest.fixture
def intake(kafka_settings: KafkaSettings, registry: Any, new_topic: NewTopic) -> Intake:
    """``async with intake(**options) as (client, topic):`` a bridge whose returns intake publishes to a
    new topic (with the real returns schema); ``bootstrap`` points the producer elsewhere."""

    @asynccontextmanager
    async def start(
        bootstrap: str | None = None, **options: Any
    ) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
        topic = new_topic("commerce.returns", partitions=2)
        kafka = (
            kafka_settings.model_copy(update={"bootstrap_servers": bootstrap})
            if bootstrap
            else kafka_settings
        )
        producer = KafkaProducer(producer_config(kafka))
        bridge = create_app(
            BridgeOptions(returns_clients=clients(), returns_topic=topic, **options),
            default_stores(),
            producer,
            webhook_event_codec(registry),
            returns_codec=codec_for(ReturnRecord, RETURNS_TOPIC, registry),
        )
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bridge.app)) as client:
            try:
                yield client, topic
            finally:
                producer.close(timeout=1)

    return start


@pytest.mark.integration
class TestReturnsIntake:
    async def test_an_accepted_return_is_in_kafka_with_its_source_and_rma(
        self, intake: Intake, kafka_settings: KafkaSettings, registry: Any
    ) -> None:
        """200 names the RMA and event id; the record on the topic is the submission plus source,
        received_at and event_id, keyed by store and return; a repeat is a duplicate, not a second record."""
        async with intake() as (client, topic):
            first = await client.post(URL, json=example(), headers=auth())
            again = await client.post(URL, json=example(), headers=auth())
        assert first.status_code == again.status_code == 200
        answer = first.json()
        assert again.json() == answer
        (message,) = consume(kafka_settings, topic, 1)
        record = codec_for(ReturnRecord, RETURNS_TOPIC, registry).decode(message.value())
        assert message.key().decode() == "abc123:return:R-2026-000123"
        assert (record.source, record.event_id, record.rma()) == (
            "loop",
            answer["event_id"],
            answer["rma_number"],
        )
        assert record.received_at is not None
        assert stored_count(kafka_settings, topic) == 1

    async def test_bad_requests_get_a_reason_and_publish_nothing(
        self, intake: Intake, kafka_settings: KafkaSettings
    ) -> None:
        """Each class of bad request gets its status and reason (422 with the offending fields), and the
        topic holds only the one valid record posted afterwards."""
        async with intake() as (client, topic):
            cases = [
                (
                    await client.post(URL, json=example(), headers={"content-type": "application/json"}),
                    401,
                    "missing_token",
                ),
                (
                    await client.post(URL, json=example(), headers=auth("wrong-token-wrong-token")),
                    401,
                    "invalid_token",
                ),
                (await client.post(URL, content=b"{", headers=auth()), 400, "malformed_json"),
                (await client.post(URL, content=b"[]", headers=auth()), 422, "not_an_object"),
                (
                    await client.post(URL, json=example(store_hash="zzz999"), headers=auth()),
                    403,
                    "store_not_allowed",
                ),
                (
                    await client.post(URL, content=b"x", headers={**auth(), "content-type": "text/plain"}),
                    415,
                    "unsupported_media_type",
                ),
                (await client.post(URL, content=b" " * 70_000, headers=auth()), 413, "body_too_large"),
            ]
            huge = await client.post(URL, json=example(), headers={**auth(), "x-padding": "x" * 20_000})
            invalid = await client.post(URL, json=example(state="lost", lines=[]), headers=auth())
            valid = await client.post(URL, json=example(), headers=auth())
        assert [(r.status_code, r.json()["error"]) for r, _, _ in cases] == [(s, e) for _, s, e in cases]
        assert (huge.status_code, huge.json()) == (431, {"error": "headers_too_large"})
        assert invalid.status_code == 422
        assert invalid.json() == {"error": "invalid_return", "fields": ["lines", "state"]}
        assert valid.status_code == 200
        assert stored_count(kafka_settings, topic) == 1

    async def test_kafka_unreachable_is_503_with_retry_after(
        self, intake: Intake, kafka_settings: KafkaSettings
    ) -> None:
        """With no broker at the producer's address the intake answers 503 + Retry-After, never 200."""
        async with intake(bootstrap=f"127.0.0.1:{free_port()}", produce_timeout_s=0.5) as (client, _):
            response = await client.post(URL, json=example(), headers=auth())
        assert response.status_code == 503
        assert response.json() == {"error": "kafka_timeout"}
        assert response.headers["retry-after"] == "60"


class TestIntakeParts:
    def test_the_token_names_its_client_and_anything_else_is_refused(self) -> None:
        """A configured token authenticates its client; a prefix of it, another scheme or none do not."""
        assert authenticate_client(clients(), f"Bearer {OTHER_TOKEN}") == "other"
        for header in (f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", None, "Bearer "):
            with pytest.raises(AuthenticationFailed):
                authenticate_client(clients(), header)

    def test_the_documented_example_is_a_valid_submission(self) -> None:
        """docs/examples/return-submission.json (the integrators' example) validates against the contract."""
        assert ReturnSubmission.model_validate(example()).return_id == "R-2026-000123"

    def test_the_committed_openapi_is_the_served_one(self) -> None:
        """docs/openapi/returns-intake.json equals what the bridge serves (regenerate it when this fails)."""
        committed = json.loads((EXAMPLE.parents[1] / "openapi" / "returns-intake.json").read_text("utf-8"))
        assert committed == build_returns_openapi()
        example_body = build_returns_openapi()["paths"]["/returns/v1"]["post"]["requestBody"]
        value = example_body["content"]["application/json"]["examples"]["requested"]["value"]
        assert ReturnSubmission.model_validate(value).state.value == "requested"

    def test_a_short_token_is_refused_at_start_up(self) -> None:
        """A token under 16 characters is a configuration error, not a weak credential in production."""
        with pytest.raises(ValueError, match="16 characters"):
            ReturnsClient(token=SecretStr("short"), stores=frozenset({"abc123"}))
