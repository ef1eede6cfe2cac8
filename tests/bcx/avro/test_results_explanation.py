"""The result event's explanation is an additive, BACKWARD-compatible change, checked on the real registry."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from bcx.avro.compat import Outcome, check_schema
from bcx.avro.schemas import load_schema, parse_schema_text
from bcx.contracts.codecs import codec_for
from bcx.contracts.document_result import TOPIC, DocumentResult
from tests.consumers.document_index.factories import order_results

pytestmark = pytest.mark.integration


class TestExplanationField:
    def test_registry_accepts_the_explanation_as_an_evolution(self, registry: Any) -> None:
        """The schema without ``explanation`` (as published before) evolves to the current one."""
        current = json.loads(load_schema(TOPIC).text)
        before = {**current, "fields": [f for f in current["fields"] if f["name"] != "explanation"]}
        subject = f"results-{uuid.uuid4().hex[:8]}.v1"
        first = check_schema(registry, parse_schema_text(subject, json.dumps(before)))
        evolved = check_schema(registry, parse_schema_text(subject, json.dumps(current)))
        assert (first.outcome, evolved.outcome) == (Outcome.NEW, Outcome.EVOLVED)

    def test_explanation_survives_the_wire(self, mock_registry: Any) -> None:
        """A result carries its rule, reason and rules digest through Avro encoding."""
        result = order_results("250", "42")[0]
        codec = codec_for(DocumentResult, TOPIC, mock_registry)
        decoded = codec.decode(codec.encode(result))
        assert decoded.explanation == result.explanation
        assert decoded.explanation is not None
        assert decoded.explanation.rules_digest == "d1g3st"
        assert decoded.occurred_at > datetime(2026, 1, 1, tzinfo=UTC)
