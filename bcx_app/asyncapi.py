"""The AsyncAPI 3 description of every topic bcx produces or consumes: ``docs/asyncapi.yaml``.

Generated, never edited: channels and their Kafka bindings from ``deploy/topics.yaml`` (each topic and
each group's ``.dlq``/``.retry``/``.ledger`` topics), payloads by reference to the Avro contracts in
``schemas/``, keys and example messages from the contract models, consumer groups and who sends what from
the process declarations (:mod:`bcx.manifest`). ``python -m bcx_app.asyncapi`` rewrites the file; a test
fails while it is stale or invalid against the AsyncAPI 3.0.0 JSON Schema.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bcx.avro.schemas import schemas_dir
from bcx.kafka.topics import TopicSpec, expand, load_catalogue
from bcx.manifest import ConsumerProcess
from bcx_app.cli.processes import deployed, flows

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "asyncapi.yaml"
AVRO = "application/vnd.apache.avro+json;version=1.9.0"
BINDING = "0.5.0"

#: how each topic family is keyed (the key is always a UTF-8 string)
KEYS: dict[str, tuple[str, str]] = {
    "bigcommerce.webhooks.v1": ("store_hash:resource_type:resource_id", "abc123:order:250"),
    "commerce.": ("store_hash:entity_type:entity_id", "abc123:order:250"),
    "documents.results.v1": (
        "the document's idempotency key",
        "order_documents:abc123:order:250:order_invoice:1",
    ),
    "customers.erasures.v1": ("sha256 hex of store_hash:customer_id", "9f2c…"),
    ".ledger.v1": ("the document's idempotency key", "order_documents:abc123:order:250:order_invoice:1"),
    ".dlq.v1": ("the original record's key", "abc123:order:250"),
    ".retry.v1": ("the original record's key", "abc123:order:250"),
}


def _name(topic: str) -> str:
    return "".join(part.capitalize() for part in topic.replace("-", ".").split("."))


def _key(topic: str) -> tuple[str, str]:
    for pattern, key in KEYS.items():
        if (
            topic == pattern
            or (pattern.endswith(".") and topic.startswith(pattern))
            or (pattern.startswith(".") and topic.endswith(pattern))
        ):
            return key
    return ("UTF-8 string", "")


def _examples() -> dict[str, dict[str, Any]]:
    """Example payloads from the contract models, so they always match the schemas (checked by a test)."""
    from bcx.contracts.document_result import (
        Channel,
        DocumentRef,
        DocumentResult,
        DocumentStatus,
        Explanation,
        Lineage,
        OutputRef,
        Recipient,
        Timing,
    )
    from bcx.contracts.erasure import CustomerErasure
    from bcx.contracts.ledger_entry import LedgerEntry, LedgerState

    at = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)
    key = "order_documents:abc123:order:250:order_invoice:1"
    result = DocumentResult(
        result_id="5b0c2d4e-8f7a-5c1d-9e3b-2a4f6c8d0e1f",
        status=DocumentStatus.DELIVERED,
        occurred_at=at,
        document=DocumentRef(
            idempotency_key=key, use_case="order_documents", document_type="order_invoice", locale="en-US"
        ),
        recipient=Recipient(
            store_hash="abc123", customer_id="42", entity_type="order", entity_id="250", order_id="250"
        ),
        channel=Channel.EMAIL,
        output=OutputRef(
            uri="s3://bcx-documents/documents/order_invoice.pdf",
            mime_type="application/pdf",
            size_bytes=48213,
            sha256="0" * 64,
        ),
        timing=Timing(event_created_at=at, started_at=at, completed_at=at, exstream_ms=412),
        attempt=1,
        lineage=Lineage(
            source_event_id="evt-1", source_topic="commerce.orders.v1", source_partition=3, source_offset=1207
        ),
        producer_version="0.1.0",
        explanation=Explanation(
            rules=["invoice_when_paid"],
            reason="rule invoice_when_paid matched (all conditions hold): payment_status in [captured, paid]",
            rules_digest="ab" * 32,
        ),
    )
    ledger = LedgerEntry(
        idempotency_key=key,
        state=LedgerState.DELIVERED,
        attempt=1,
        exstream_reference="bcx-" + "0" * 40,
        job_id="job-1",
        output_uri=result.output.uri if result.output else None,
        channels=["email"],
        updated_at=at,
        owner="bcx-order-documents-7d9f@pod:1",
        source_topic="commerce.orders.v1",
        source_partition=3,
        source_offset=1207,
    )
    erasure = CustomerErasure(
        subject="9f2c" + "0" * 60,
        store_hash="abc123",
        requested_at=at,
        requested_by="dpo@example.com",
        purged={"index_documents": 3},
    )
    return {
        "documents.results.v1": {"key": key, "payload": result.model_dump(mode="json")},
        "customers.erasures.v1": {"key": erasure.subject, "payload": erasure.model_dump(mode="json")},
        "bcx-order-documents.ledger.v1": {"key": key, "payload": ledger.model_dump(mode="json")},
    }


ERROR_HEADERS = (
    "topic",
    "partition",
    "offset",
    "stage",
    "class",
    "exception.class",
    "exception.message",
    "attempts",
    "timestamp",
    "group",
)
RETRY_HEADERS = (
    "bcx.retry.attempts",
    "bcx.retry.rounds",
    "bcx.retry.not_before_ms",
    "bcx.origin.topic",
    "bcx.origin.partition",
    "bcx.origin.offset",
)


def _headers(topic: str) -> dict[str, Any] | None:
    if topic.endswith(".dlq.v1"):
        names = [f"bcx.error.{h}" for h in ERROR_HEADERS]
    elif topic.endswith(".retry.v1"):
        names = list(RETRY_HEADERS)
    else:
        return None
    return {"type": "object", "properties": {n: {"type": "string"} for n in names}}


def _channel(spec: TopicSpec, doc: str, schema: str | None, original: str | None) -> dict[str, Any]:
    key_doc, key_example = _key(spec.name)
    key: dict[str, Any] = {"type": "string", "description": key_doc}
    if key_example:
        key["examples"] = [key_example]
    message: dict[str, Any] = {
        "name": _name(spec.name),
        "title": spec.name,
        "contentType": "application/octet-stream",
        "bindings": {"kafka": {"key": key, "bindingVersion": BINDING}},
    }
    headers = _headers(spec.name)
    if headers is not None:
        message["headers"] = headers
    if schema is not None:
        message["payload"] = {"schemaFormat": AVRO, "schema": {"$ref": f"../schemas/{schema}.avsc"}}
        subject = f"{original or spec.name}-value"
        copy = f"an unchanged copy of a {original} record, " if original else ""
        message["description"] = (
            f"{copy}Confluent wire format (magic byte, 4-byte schema id, Avro binary); the schema is "
            f"registered under subject {subject}."
        )
    else:
        message["description"] = "No contract yet: the topic is declared for a planned flow."
    example = _examples().get(spec.name)
    if example is not None:
        message["examples"] = [{"name": "example", "payload": example["payload"]}]
    configs: dict[str, Any] = {}
    if "cleanup.policy" in spec.configs:
        configs["cleanup.policy"] = spec.configs["cleanup.policy"].split(",")
    if "retention.ms" in spec.configs:
        configs["retention.ms"] = int(spec.configs["retention.ms"])
    return {
        "address": spec.name,
        "description": doc,
        "messages": {_name(spec.name): message},
        "bindings": {
            "kafka": {
                "topic": spec.name,
                "partitions": spec.partitions,
                "topicConfiguration": configs,
                "bindingVersion": BINDING,
            }
        },
    }


def _schema_for(topic: str, available: set[str], inputs: dict[str, str]) -> tuple[str | None, str | None]:
    """The schema of ``topic``'s records and, for a DLQ/retry topic, the topic they were copied from."""
    if topic in available:
        return topic, None
    if topic.endswith(".ledger.v1"):
        return "consumer.ledger.v1", None
    group = topic.rsplit(".", 2)[0]
    original = inputs.get(group)
    if original is not None and topic.endswith((".dlq.v1", ".retry.v1")):
        return (original if original in available else None), original
    return None, None


def _group_doc(kind: str, group: str) -> str:
    return {
        "dlq": f"{group}'s dead letters: the original record (key, value, headers) plus bcx.error.* headers "
        "(topic, partition, offset, stage, class, exception, attempts, timestamp, group).",
        "retry": f"{group}'s delayed retries: the original record plus bcx.retry.* and bcx.origin.* headers.",
        "ledger": f"{group}'s effectively-once ledger (compacted): the last state of each document key.",
    }[kind]


def _operations(processes: list[ConsumerProcess], channels: dict[str, Any]) -> dict[str, Any]:
    ops: dict[str, Any] = {}
    for process in processes:
        for topic in process.input_topics:
            if _name(topic) not in channels:
                continue
            ops[f"{_name(process.name)}Receives{_name(topic)}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{_name(topic)}"},
                "summary": f"{process.name} ({process.summary})",
                "bindings": {
                    "kafka": {
                        "groupId": {"type": "string", "enum": [process.group]},
                        "bindingVersion": BINDING,
                    }
                },
            }
    sends = {
        "bridge": ["bigcommerce.webhooks.v1"],
        "enricher": [t for t in channels_topics(channels) if t.startswith("commerce.")],
        "order-documents": ["documents.results.v1"],
        "document-index": ["customers.erasures.v1"],
    }
    for sender, topics in sends.items():
        for topic in topics:
            if topic in channels_topics(channels):
                ops[f"{_name(sender)}Sends{_name(topic)}"] = {
                    "action": "send",
                    "channel": {"$ref": f"#/channels/{_name(topic)}"},
                    "summary": f"published by {sender}",
                }
    return ops


def channels_topics(channels: dict[str, Any]) -> set[str]:
    return {c["address"] for c in channels.values()}


def build() -> dict[str, Any]:
    """The AsyncAPI document as plain data."""
    catalogue = load_catalogue()
    specs = {s.name: s for s in expand(catalogue, 3, 2)}
    docs = {t.name: t.doc for t in catalogue.topics}
    available = {p.stem for p in schemas_dir().glob("*.avsc")}
    processes = [*deployed(), *(f for f in flows() if not f.built)]
    # a group's dead letters and retries are copies of its (first) input topic's records
    inputs = {p.group: p.input_topics[0] for p in processes}
    channels: dict[str, Any] = {}
    for name, spec in specs.items():
        if name in docs:
            doc = docs[name]
        else:
            group, kind = name.rsplit(".", 2)[0], name.rsplit(".", 2)[1]
            doc = _group_doc(kind, group)
        schema, original = _schema_for(name, available, inputs)
        channels[_name(name)] = _channel(spec, doc, schema, original)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "bcx topics",
            "version": "1.0.0",
            "description": "Every Kafka topic bcx produces or consumes: BigCommerce webhooks in, enriched "
            "snapshots, document results out, and each consumer group's dead-letter, retry and ledger "
            "topics. "
            "Generated from deploy/topics.yaml, schemas/ and the process declarations "
            "(python -m bcx_app.asyncapi); payloads are the Avro contracts, Confluent wire format.",
        },
        "defaultContentType": "application/octet-stream",
        "servers": {
            "local": {"host": "127.0.0.1:19092", "protocol": "kafka", "description": "`bcx local up`"},
        },
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(_operations(processes, channels).items())),
    }


def render() -> str:
    header = (
        "# GENERATED by `python -m bcx_app.asyncapi` from deploy/topics.yaml, schemas/ and the manifest.\n"
    )
    return header + yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=110)


def main() -> int:
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(OUTPUT.parents[1])}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
