"""docs/asyncapi.yaml: current with topics.yaml, schemas/ and the manifest, valid AsyncAPI 3.0.0, every
topic described, every payload reference resolvable, every example a valid record of its contract."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from confluent_kafka.schema_registry import SchemaRegistryClient

from bcx.avro.codec import AvroCodec
from bcx.avro.schemas import read_schema_file
from bcx.contracts.document_result import DocumentResult
from bcx.contracts.erasure import CustomerErasure
from bcx.contracts.ledger_entry import LedgerEntry
from bcx.kafka.topics import expand, load_catalogue
from bcx_app.asyncapi import OUTPUT, build, render

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "asyncapi" / "asyncapi-3.0.0.schema.json").read_text())
DOC: dict[str, Any] = yaml.safe_load(OUTPUT.read_text(encoding="utf-8"))
MODELS: dict[str, type[Any]] = {
    "documents.results.v1": DocumentResult,
    "customers.erasures.v1": CustomerErasure,
    "consumer.ledger.v1": LedgerEntry,
}


def messages() -> list[dict[str, Any]]:
    return [m for channel in DOC["channels"].values() for m in channel["messages"].values()]


class TestAsyncApi:
    def test_committed_document_is_current(self) -> None:
        """docs/asyncapi.yaml equals what the generator writes now (run `python -m bcx_app.asyncapi`)."""
        assert OUTPUT.read_text(encoding="utf-8") == render(), "stale: run `python -m bcx_app.asyncapi`"

    def test_valid_against_the_asyncapi_3_schema(self) -> None:
        """The document validates against the official AsyncAPI 3.0.0 JSON Schema."""
        errors = [e.message for e in jsonschema.Draft7Validator(SCHEMA).iter_errors(DOC)]
        assert errors == []

    def test_the_validation_can_fail(self) -> None:
        """A broken document (an AsyncAPI 2 action) is refused, so the check above checks something."""
        broken = copy.deepcopy(build())
        next(iter(broken["operations"].values()))["action"] = "publish"
        assert list(jsonschema.Draft7Validator(SCHEMA).iter_errors(broken))

    def test_every_topic_is_a_channel(self) -> None:
        """Every topic `bcx topics apply` creates (including each group's DLQ, retry, ledger) is described."""
        topics = {spec.name for spec in expand(load_catalogue(), 3, 2)}
        assert {c["address"] for c in DOC["channels"].values()} == topics

    def test_payload_references_resolve(self) -> None:
        """Each payload names an Avro schema file that exists next to the docs."""
        for message in messages():
            if "payload" in message:
                ref = message["payload"]["schema"]["$ref"]
                assert (OUTPUT.parent / ref).resolve().is_file(), ref

    @pytest.mark.parametrize("name", sorted(MODELS))
    def test_examples_are_valid_records(self, name: str) -> None:
        """Each example payload is a record its Avro contract encodes (through the model and the codec)."""
        examples = [
            e["payload"]
            for m in messages()
            if m.get("payload", {}).get("schema", {}).get("$ref", "").endswith(f"/{name}.avsc")
            for e in m.get("examples", [])
        ]
        assert examples, f"no example for {name}"
        schema = read_schema_file(ROOT / "schemas" / f"{name}.avsc")
        codec = AvroCodec(MODELS[name], schema, SchemaRegistryClient.new_client({"url": "mock://asyncapi"}))
        for example in examples:
            record = MODELS[name].model_validate(example)
            assert codec.decode(codec.encode(record)) == record

    def test_consumer_groups_are_named(self) -> None:
        """The document-index and order-documents groups receive their input topics."""
        groups = {
            g
            for op in DOC["operations"].values()
            if op["action"] == "receive"
            for g in op["bindings"]["kafka"]["groupId"]["enum"]
        }
        assert {"bcx-document-index", "bcx-order-documents", "bcx-enricher"} <= groups
