"""Callback bodies for the bridge tests: BigCommerce's official examples and a signed-delivery helper."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, TopicPartition

from bcx.bigcommerce.signing import encode_secret, signed_headers
from bcx.settings import KafkaSettings
from tests.support.required import reference, reference_dir, reference_file, reference_files

# BCX_TEST_REFERENCE_DIR, default ../shared/reference; without it the example lists hold only their folder
# (their parametrized tests skip, or fail in CI) and tests that read them call require_examples() first
EXAMPLES_DIR = reference_dir() / "bigcommerce" / "webhook-callbacks"
STORE = "abc123"
SECRET_HEADER = "X-Bcx-Webhook-Secret"
SECRET = "s3cr3t-for-abc123"
CLIENT_SECRET = "client-secret-of-the-app"
SIGNED_STORE = "signed1"


def require_examples() -> None:
    """Skip (fail under CI=true) unless the official examples are there."""
    reference("bigcommerce", "webhook-callbacks")


def example_files() -> list[Path]:
    """Every official example body that has content (two upstream files are empty: see the docs); without
    the examples, their folder, which :func:`example_body` refuses with the reason (skip; CI: failure)."""
    return reference_files("bigcommerce", "webhook-callbacks", keep=lambda p: bool(p.read_text().strip()))


def empty_example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES_DIR.glob("*.json") if not p.read_text().strip())


def example_body(path: Path, store: str = STORE) -> bytes:
    """The example with the documented ``stores/{store_hash}`` placeholder filled in."""
    return reference_file(path).read_bytes().replace(b"{store_hash}", store.encode())


def callback(scope: str = "store/order/created", store: str = STORE, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "scope": scope,
        "store_id": "1025646",
        "data": {"type": "order", "id": 250},
        "hash": "dd70c0976e06b67aaf671e73f49dcb79230ebf9d",
        "created_at": 1561479335,
        "producer": f"stores/{store}",
    }
    body.update(overrides)
    return body


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def shared_headers(secret: str = SECRET) -> dict[str, str]:
    return {"content-type": "application/json", SECRET_HEADER: secret}


def signed(body: bytes, msg_id: str, timestamp: int, client_secret: str = CLIENT_SECRET) -> dict[str, str]:
    """Headers the way the simulator's sender (and BigCommerce) sign a delivery."""
    headers = signed_headers(encode_secret(client_secret), msg_id, timestamp, body).as_dict()
    return {"content-type": "application/json", **headers}


def stored(settings: KafkaSettings, topic: str) -> int:
    """How many records ``topic`` holds, exactly, from its watermarks (no consumer-group join to wait for)."""
    consumer = Consumer({**settings.client_config(), "group.id": f"bridge-test-{uuid.uuid4().hex[:8]}"})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        total = 0
        for partition in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            total += high - low
        return total
    finally:
        consumer.close()
