"""Snapshots → customer-profiles group → ``marketing.profiles.v1``, through the real broker, and a rebuild:
a second group folding the same topics into an empty table writes the very same profiles."""

from __future__ import annotations

import random
from typing import Any

import pytest

from bcx.contracts import marketing_profiles
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.contracts.marketing_profiles import MarketingProfile
from bcx.settings import KafkaSettings, RegistrySettings
from consumers.customer_profiles.app import build
from consumers.marketing.settings import MarketingConfig, MarketingSettings
from consumers.runtime import Services, UseCase
from tests.consumers.marketing import factories as f
from tests.consumers.marketing.kafka_support import new_group, new_topics, produce_snapshots, read_table
from tests.consumers.support import RunningConsumer, consume_settings, wait_drained

pytestmark = pytest.mark.integration

CUSTOMERS = 12


def store_history(rng: random.Random) -> list[SnapshotEnvelope]:
    snaps: list[SnapshotEnvelope] = []
    order_id = 0
    for cid in range(1, CUSTOMERS + 1):
        snaps.append(f.customer(cid, marketing=cid % 3 != 0))
        for n in range(cid % 5):
            order_id += 1
            snaps.append(
                f.order(
                    order_id,
                    cid,
                    at=f.T0 + f.days(n * 20),
                    total=str(40 * (n + 1)),
                    products=((10 + n, (n % 3,)),),
                )
            )
        if cid % 4 == 0:
            snaps.append(f.cart(f"cart-{cid}", cid))
        if cid % 6 == 0:
            snaps.append(f.refund(cid, cid, at=f.T0 + f.days(5)))
    rng.shuffle(snaps)
    # later states of one key come later, as the enricher publishes them
    snaps.append(f.customer(4, at=f.T0 + f.days(1), marketing=False))  # customer 4 withdraws consent
    snaps.append(f.cart("cart-8", 8, abandoned=False, deleted=True))  # customer 8's cart converted
    return snaps


def run_profiles(kafka: KafkaSettings, registry: RegistrySettings, inputs: list[str], profiles: str) -> None:
    group = new_group(kafka, "customer-profiles")
    settings = consume_settings(kafka, registry, group=group, topics=inputs, retry_topic_rounds=0)
    marketing = MarketingSettings(marketing=MarketingConfig(profiles_topic=profiles))

    def factory(services: Services) -> UseCase[Any]:
        return build(services, marketing)

    consumer = RunningConsumer("customer-profiles", factory, settings)
    try:
        for topic in inputs:
            wait_drained(kafka, group, topic)
    finally:
        assert consumer.stop() == 0


class TestProfileRebuild:
    def test_a_rebuild_from_the_topics_gives_the_same_profiles(
        self, kafka_settings: KafkaSettings, registry_settings: RegistrySettings, registry: Any
    ) -> None:
        """Folding the snapshot topics twice into two empty tables yields identical profiles, as expected."""
        kinds = ("order", "customer", "cart", "refund")
        inputs = new_topics(kafka_settings, *(f"commerce.{k}s" for k in kinds))
        topics = dict(zip(kinds, inputs, strict=True))
        first, rebuilt = new_topics(kafka_settings, "profiles", "profiles-rebuilt", compact=True)
        produce_snapshots(kafka_settings, registry, topics, store_history(random.Random(7)))

        run_profiles(kafka_settings, registry_settings, inputs, first)
        run_profiles(kafka_settings, registry_settings, inputs, rebuilt)

        def table(topic: str) -> dict[str, MarketingProfile]:
            return read_table(kafka_settings, registry, MarketingProfile, marketing_profiles.TOPIC, topic)

        built = table(first)
        assert built == table(rebuilt)
        assert len(built) == CUSTOMERS
        withdrawn = built[f"{f.STORE}:4"]
        assert withdrawn.consent.marketing is False
        assert withdrawn.consent.withdrawn_at is not None
        assert built[f"{f.STORE}:4"].open_carts[0].cart_id == "cart-4"
        assert built[f"{f.STORE}:8"].open_carts == []
        assert built[f"{f.STORE}:9"].order_count == 4
        assert built[f"{f.STORE}:6"].last_return_at is not None
