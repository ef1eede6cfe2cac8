"""``bcx consume catalogs``: the wiring. Input: campaign requests; reads the profiles and product tables,
reads and writes the contact history (caps shared with retention)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from bcx.contracts.commerce import snapshot_codec
from bcx.contracts.commerce_products import TOPIC as PRODUCTS_TOPIC
from bcx.contracts.commerce_products import ProductSnapshotRecord
from bcx.contracts.marketing_contacts import CampaignRequest
from bcx.settings import load_settings
from consumers.catalogs.flow import FLOW
from consumers.catalogs.processor import CatalogsProcessor
from consumers.marketing.settings import MarketingSettings
from consumers.marketing.table import CompactedTable
from consumers.marketing.wiring import MarketingServices, open_table, request_codec
from consumers.registry import use_case_names
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.stream.errors import PermanentError
from routing import load_rules


def product_table(services: Services, topic: str = PRODUCTS_TOPIC) -> CompactedTable[ProductSnapshotRecord]:
    """The product snapshots as a table (last snapshot per product within the topic's retention)."""
    codec = snapshot_codec("product", services.registry, auto_register=False)
    table: CompactedTable[ProductSnapshotRecord] = CompactedTable(services.settings.kafka, topic, codec)  # type: ignore[arg-type]
    open_table(table, services.settings.consumer.ledger_catch_up_timeout_s)
    return table


def by_product_id(table: CompactedTable[ProductSnapshotRecord]) -> Mapping[int, ProductSnapshotRecord]:
    return {int(s.entity_id): s for s in table.rows().values()}


def build(
    services: Services, settings: MarketingSettings | None = None, *, products_topic: str = PRODUCTS_TOPIC
) -> UseCase[CampaignRequest]:
    settings = settings or load_settings(MarketingSettings)
    rules = load_rules(None, use_cases=use_case_names())
    marketing = MarketingServices.start(services, settings, FLOW.use_case, rules)
    products = product_table(services, products_topic)
    codec = request_codec(settings.marketing.requests_topic, services.registry, auto_register=False)

    def decode(record: SourceRecord) -> CampaignRequest:
        if record.value is None:
            raise PermanentError("empty campaign request", error_class="data.empty", stage="decode")
        return codec.decode(record.value)

    processor = CatalogsProcessor(
        sender=marketing.sender(lambda: datetime.now(UTC)),
        products=lambda: by_product_id(products),
        output_dir=settings.marketing.output_dir,
    )
    topics = (settings.marketing.requests_topic,)
    return UseCase(name=FLOW.name, topics=topics, decoder=decode, processor=processor)
