"""``bcx consume customer-profiles``: the wiring. Input: the order, customer, cart and refund snapshots;
output: ``marketing.profiles.v1`` (compacted), read whole at start-up so the fold continues from it."""

from __future__ import annotations

from typing import Any

from bcx.contracts.codecs import codec_for
from bcx.contracts.commerce import SNAPSHOT_TOPICS, snapshot_codec
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.contracts.marketing_profiles import TOPIC, MarketingProfile
from bcx.settings import load_settings
from consumers.customer_profiles.flow import FLOW
from consumers.customer_profiles.processor import ProfilesProcessor
from consumers.marketing.policy import load_policy
from consumers.marketing.settings import MarketingSettings
from consumers.marketing.table import CompactedTable
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.runtime.errors import PermanentError, RetryableError


def profile_table(services: Services, *, writable: bool = True) -> CompactedTable[MarketingProfile]:
    """The profiles table, read to its end (a consumer starting behind it would fold onto stale rows)."""
    auto = services.settings.registry.auto_register
    codec = codec_for(MarketingProfile, TOPIC, services.registry, auto_register=auto)
    table = CompactedTable(services.settings.kafka, TOPIC, codec, services.producer if writable else None)
    table.start()
    if not table.wait_caught_up(services.settings.consumer.ledger_catch_up_timeout_s):
        table.close()
        raise RetryableError(
            "profiles table not read to its end", error_class="kafka.catch_up", stage="start"
        )
    return table


def build(services: Services, settings: MarketingSettings | None = None) -> UseCase[SnapshotEnvelope]:
    settings = settings or load_settings(MarketingSettings)
    policy = load_policy(settings.marketing.policy_path)
    by_topic: dict[str, Any] = {
        spec.topic: snapshot_codec(entity, services.registry, auto_register=False)
        for entity, spec in SNAPSHOT_TOPICS.items()
        if spec.topic in FLOW.input_topics
    }
    table = profile_table(services)

    def decode(record: SourceRecord) -> SnapshotEnvelope:
        codec = by_topic.get(record.origin[0])
        if codec is None or record.value is None:
            raise PermanentError("not a snapshot this group folds", error_class="data.empty", stage="decode")
        value: SnapshotEnvelope = codec.decode(record.value)
        return value

    processor = ProfilesProcessor(table=table, policy=policy)
    return UseCase(name=FLOW.name, topics=FLOW.input_topics, decoder=decode, processor=processor)
