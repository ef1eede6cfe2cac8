"""``bcx consume customer-profiles``: the wiring. Input: the order, customer, cart and refund snapshots;
output: ``marketing.profiles.v1`` (compacted), read whole at start-up so the fold continues from it."""

from __future__ import annotations

from typing import Any

from bcx.contracts import marketing_profiles
from bcx.contracts.commerce import SNAPSHOT_TOPICS, snapshot_codec
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.contracts.marketing_profiles import MarketingProfile
from bcx.settings import load_settings
from consumers.customer_profiles.flow import FLOW
from consumers.customer_profiles.processor import ProfilesProcessor
from consumers.marketing.policy import load_policy
from consumers.marketing.settings import MarketingSettings
from consumers.marketing.table import CompactedTable, table_codec
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.stream.errors import PermanentError, RetryableError

FOLDED = ("order", "customer", "cart", "refund")


def profile_table(
    services: Services, topic: str, *, writable: bool = True
) -> CompactedTable[MarketingProfile]:
    """The profiles table, read to its end (a consumer starting behind it would fold onto stale rows)."""
    auto = services.settings.registry.auto_register
    codec = table_codec(
        MarketingProfile, marketing_profiles.TOPIC, topic, services.registry, auto_register=auto
    )
    table = CompactedTable(services.settings.kafka, topic, codec, services.producer if writable else None)
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
    codecs: dict[str, Any] = {
        entity: snapshot_codec(entity, services.registry, auto_register=False)
        for entity in SNAPSHOT_TOPICS
        if entity in FOLDED
    }
    table = profile_table(services, settings.marketing.profiles_topic)

    def decode(record: SourceRecord) -> SnapshotEnvelope:
        # snapshot keys are store_hash:entity_type:entity_id: the key says which record it is
        entity = (record.key or b"").decode(errors="replace").split(":")[1:2]
        codec = codecs.get(entity[0]) if entity else None
        if codec is None or record.value is None:
            raise PermanentError("not a snapshot this group folds", error_class="data.empty", stage="decode")
        value: SnapshotEnvelope = codec.decode(record.value)
        return value

    processor = ProfilesProcessor(table=table, policy=policy)
    return UseCase(name=FLOW.name, topics=FLOW.input_topics, decoder=decode, processor=processor)
