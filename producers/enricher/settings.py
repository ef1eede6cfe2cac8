"""Settings of ``bcx enrich`` (``BCX_*``): Kafka, registry, BigCommerce stores, the runtime, topics."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from bcx.bigcommerce.settings import BigCommerceSettings
from bcx.contracts.webhook_event import TOPIC as WEBHOOKS_TOPIC
from bcx.settings import MetricsSettings
from consumers.stream.settings import RuntimeSettings, StreamSettings

GROUP = "bcx-enricher"


class EnricherSettings(StreamSettings):
    """``BCX_BIGCOMMERCE__STORES`` holds every store's credentials (JSON list); the runtime section is
    ``BCX_CONSUMER__*`` (window, retries, DLQ cap); ``BCX_SNAPSHOT_TOPICS`` overrides topics per entity type.
    """

    metrics: MetricsSettings = MetricsSettings(port=9410)
    bigcommerce: BigCommerceSettings = BigCommerceSettings()
    # a kill makes the next owner re-enrich what was not committed: at most 64 records per partition
    consumer: RuntimeSettings = RuntimeSettings(max_in_flight=64, max_uncommitted_per_partition=64)
    input_topic: str = WEBHOOKS_TOPIC
    snapshot_topics: dict[str, str] = Field(default_factory=dict)
    #: snapshot keys and event ids remembered for superseded/duplicate skips (per process)
    ledger_max_keys: int = Field(default=200_000, ge=1)
    ledger_max_events: int = Field(default=200_000, ge=1)
    #: an event created this long before an earlier read of its entity is superseded by that read;
    #: covers BigCommerce's one-second timestamps and clock skew (0 disables the read-time bound)
    horizon_margin_s: float = Field(default=5.0, ge=0)
    #: how long store/customer profiles and product categories carried in snapshots are cached per store
    #: (webhooks announcing a change drop them earlier); 0 stops carrying them
    profile_ttl_s: float = Field(default=600.0, ge=0)

    @model_validator(mode="after")
    def _has_stores(self) -> Self:
        self.bigcommerce.require_stores()
        return self

    @property
    def group(self) -> str:
        return self.consumer.group_id or GROUP
