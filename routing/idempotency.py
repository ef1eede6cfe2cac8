"""Idempotency keys: one per document that must be produced at most once.

``use_case:store_hash:entity_type:entity_id:document_type:version``, e.g.
``order_documents:abc123:order:250:order_confirmation:1``.

The *version* is set by the document type's ``version`` in the rules:

- ``once`` → ``1``: at most one such document per entity, ever (an order confirmation, an invoice);
- ``entity`` → the snapshot's ``entity_version`` (its ``date_modified``): a new document whenever the entity
  changes (e.g. an updated quote);
- ``{field: <path>}`` → that fact's value: one document per payment (``payment.transaction_id``), per refund
  (``refund.refund_id``), per statement period (``schedule.period``).

Components are percent-escaped for ``%`` and ``:`` so a key always splits back into six parts.
"""

from __future__ import annotations

from routing.decision import plain
from routing.facts import RoutingFacts
from routing.fieldpaths import resolve
from routing.ruleset import DocumentSpec, FieldVersion


def _escape(component: str) -> str:
    return component.replace("%", "%25").replace(":", "%3A")


def idempotency_key(
    use_case: str, store_hash: str, entity_type: str, entity_id: str, document_type: str, version: str
) -> str:
    """The document's idempotency key (see the module docstring)."""
    parts = (use_case, store_hash, entity_type, entity_id, document_type, version)
    return ":".join(_escape(str(p)) for p in parts)


def document_version(spec: DocumentSpec, facts: RoutingFacts) -> str | None:
    """The version of ``spec``'s document for ``facts``; ``None`` when its version field is not set."""
    if spec.version == "once":
        return "1"
    if spec.version == "entity":
        return facts.entity_version
    assert isinstance(spec.version, FieldVersion)
    value = resolve(facts, spec.version.field)
    return None if value is None else str(plain(value))
