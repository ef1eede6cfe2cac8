"""What ``bcx campaigns`` and ``bcx sweep`` share: settings, reading the marketing tables, publishing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from bcx.contracts.marketing_contacts import CampaignRequest
from bcx.settings import KafkaSettings, ProcessSettings, RegistrySettings
from consumers.marketing.settings import MarketingConfig


class MarketingCliSettings(ProcessSettings):
    kafka: KafkaSettings = KafkaSettings()
    registry: RegistrySettings = RegistrySettings()
    marketing: MarketingConfig = MarketingConfig()


@contextmanager
def tables(settings: MarketingCliSettings, *, products: bool = False) -> Iterator[dict[str, Any]]:
    """The profiles, contacts (and product) tables, each read to its end; closed afterwards."""
    from bcx.avro.registry import registry_client
    from bcx.contracts import marketing_contacts, marketing_profiles
    from bcx.contracts.commerce import snapshot_codec
    from bcx.contracts.commerce_products import TOPIC as PRODUCTS_TOPIC
    from bcx.contracts.marketing_contacts import ContactHistory
    from bcx.contracts.marketing_profiles import MarketingProfile
    from bcx.kafka.errors import KafkaError
    from consumers.marketing.contacts import customer_of
    from consumers.marketing.table import CompactedTable, table_codec

    registry = registry_client(settings.registry)
    auto = settings.registry.auto_register
    config = settings.marketing
    opened: dict[str, Any] = {
        "profiles": CompactedTable(
            settings.kafka,
            config.profiles_topic,
            table_codec(
                MarketingProfile,
                marketing_profiles.TOPIC,
                config.profiles_topic,
                registry,
                auto_register=auto,
            ),
        ),
        "contacts": CompactedTable(
            settings.kafka,
            config.contacts_topic,
            table_codec(
                ContactHistory,
                marketing_contacts.CONTACTS_TOPIC,
                config.contacts_topic,
                registry,
                auto_register=auto,
            ),
            group_of=customer_of,
        ),
    }
    if products:
        opened["products"] = CompactedTable(
            settings.kafka, PRODUCTS_TOPIC, snapshot_codec("product", registry, auto_register=False)
        )
    try:
        for table in opened.values():
            table.start()
            if not table.wait_caught_up(60):
                raise KafkaError(f"{table.topic} not read to its end in 60 s", retriable=True)
        yield opened
    finally:
        for table in opened.values():
            table.close()
        registry.close()


def publish(settings: MarketingCliSettings, topic: str, requests: Iterable[CampaignRequest]) -> int:
    """Publish ``requests`` keyed ``store_hash:customer_id``; returns how many the broker acknowledged."""
    from bcx.avro.registry import registry_client
    from bcx.kafka.config import producer_config
    from bcx.kafka.errors import KafkaError
    from bcx.kafka.producer import KafkaProducer
    from bcx.logging import EVENT_ID_HEADER
    from consumers.marketing.wiring import request_codec

    registry = registry_client(settings.registry)
    producer = KafkaProducer(producer_config(settings.kafka))
    try:
        codec = request_codec(topic, registry, auto_register=settings.registry.auto_register)
        futures = [
            producer.produce(
                topic,
                codec.encode(r),
                key=f"{r.store_hash}:{r.customer_id}",
                headers=[(EVENT_ID_HEADER, r.request_id.encode())],
            )
            for r in requests
        ]
        if producer.flush(60) != 0:
            raise KafkaError(f"{topic}: not every request was acknowledged", retriable=True)
        for future in futures:
            future.result(timeout=0)
        return len(futures)
    finally:
        producer.close()
        registry.close()
