"""``bcx consume retention``: the wiring. Inputs: cart and product snapshots, ``bcx sweep``'s triggers;
reads the profiles table, reads and writes the contact history (caps shared with catalogs)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bcx.contracts.commerce import snapshot_codec
from bcx.settings import load_settings
from consumers.documents.wiring import value_of
from consumers.marketing.settings import MarketingSettings
from consumers.marketing.wiring import MarketingServices, request_codec
from consumers.registry import use_case_names
from consumers.retention.flow import FLOW, TRIGGERS_TOPIC
from consumers.retention.processor import RetentionInput, RetentionProcessor
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.stream.errors import PermanentError
from routing import load_rules


def build(services: Services, settings: MarketingSettings | None = None) -> UseCase[RetentionInput]:
    settings = settings or load_settings(MarketingSettings)
    rules = load_rules(None, use_cases=use_case_names())
    marketing = MarketingServices.start(services, settings, FLOW.use_case, rules)
    carts = snapshot_codec("cart", services.registry, auto_register=False)
    products = snapshot_codec("product", services.registry, auto_register=False)
    triggers = request_codec(TRIGGERS_TOPIC, services.registry, auto_register=False)

    def decode(record: SourceRecord) -> RetentionInput:
        body = value_of(record, "record")
        # snapshot keys are store_hash:entity_type:entity_id, trigger keys store_hash:customer_id
        parts = (record.key or b"").decode(errors="replace").split(":")
        codec: Any = {"cart": carts, "product": products}.get(parts[1]) if len(parts) == 3 else triggers
        if codec is None:
            raise PermanentError("not a record retention reads", error_class="data.unknown", stage="decode")
        value: RetentionInput = codec.decode(body)
        return value

    processor = RetentionProcessor(
        sender=marketing.sender(lambda: datetime.now(UTC)),
        policy=marketing.policy,
        profiles=lambda: marketing.profiles.rows().values(),
    )
    return UseCase(name=FLOW.name, topics=FLOW.input_topics, decoder=decode, processor=processor)
