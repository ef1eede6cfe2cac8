"""Idempotency keys: the documented shape, escaping, and the version per document type."""

from __future__ import annotations

from routing import evaluate, idempotency_key, parse_rules
from tests.routing.factories import MINIMAL, order_facts


class TestKey:
    def test_shape(self) -> None:
        """The key is use_case:store:entity_type:entity_id:document_type:version."""
        key = idempotency_key("order_documents", "abc123", "order", "250", "order_invoice", "1")
        assert key == "order_documents:abc123:order:250:order_invoice:1"

    def test_colons_are_escaped(self) -> None:
        """A component containing ':' or '%' is escaped so the key splits back into six parts."""
        key = idempotency_key("retention", "s", "cart", "a:b", "reminder", "2026-01-01T00:00:00%")
        assert key.split(":") == ["retention", "s", "cart", "a%3Ab", "reminder", "2026-01-01T00%3A00%3A00%25"]

    def test_entity_version(self) -> None:
        """A document versioned by entity uses the snapshot's version."""
        rules = parse_rules(MINIMAL.replace("version: once", "version: entity"))
        doc = evaluate(rules, order_facts()).document("order_confirmation")
        assert doc is not None
        assert doc.version == "1712345678"
        assert doc.idempotency_key == "order_documents:abc123:order:250:order_confirmation:1712345678"
