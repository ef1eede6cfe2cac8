"""Codecs for the contract records, each bound to its topic's schema in ``schemas/``."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from bcx.avro.codec import AvroCodec
from bcx.avro.schemas import AvroSchema, load_schema
from bcx.contracts import document_result, ledger_entry, webhook_event
from bcx.contracts.document_result import DocumentResult
from bcx.contracts.ledger_entry import LedgerEntry
from bcx.contracts.webhook_event import WebhookEvent

M = TypeVar("M", bound=BaseModel)


def codec_for(model: type[M], topic: str, registry: Any, *, auto_register: bool = True) -> AvroCodec[M]:
    return AvroCodec(model, load_schema(topic), registry, auto_register=auto_register)


def webhook_event_codec(registry: Any, *, auto_register: bool = True) -> AvroCodec[WebhookEvent]:
    return codec_for(WebhookEvent, webhook_event.TOPIC, registry, auto_register=auto_register)


def document_result_codec(registry: Any, *, auto_register: bool = True) -> AvroCodec[DocumentResult]:
    return codec_for(DocumentResult, document_result.TOPIC, registry, auto_register=auto_register)


def ledger_entry_codec(
    ledger_topic: str, registry: Any, *, auto_register: bool = True
) -> AvroCodec[LedgerEntry]:
    """The codec of one group's ledger topic: the shared ledger schema under ``<ledger_topic>-value``."""
    shared = load_schema(ledger_entry.SCHEMA)
    schema = AvroSchema(topic=ledger_topic, text=shared.text, parsed=shared.parsed)
    return AvroCodec(LedgerEntry, schema, registry, auto_register=auto_register)
