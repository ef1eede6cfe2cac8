"""A marketing pipeline on the real broker for the e2e tests: unique topics, an Exstream simulator, the
profiles table filled from folded snapshots, and the retention and catalogs consumers on demand."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from confluent_kafka import Producer

from bcx.contracts import marketing_contacts, marketing_profiles
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.contracts.document_result import TOPIC as RESULTS_TOPIC
from bcx.contracts.marketing_contacts import CampaignRequest, ContactHistory
from bcx.contracts.marketing_profiles import MarketingProfile
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.cli.marketing_io import MarketingCliSettings, publish
from consumers.catalogs.app import build as build_catalogs
from consumers.customer_profiles.processor import cart_owner, customer_of, folded
from consumers.marketing.policy import MarketingPolicy
from consumers.marketing.settings import MarketingConfig, MarketingSettings
from consumers.marketing.table import table_codec
from consumers.retention.app import build as build_retention
from consumers.runtime import Services, UseCase
from simulators.exstream.server import RunningSimulator
from tests.consumers.marketing.kafka_support import new_group, new_topics, produce_snapshots, read_table
from tests.consumers.support import RunningConsumer, consume_settings, exstream_settings, wait_drained

POLICY_YAML = """
version: 1
caps:
  - {group: marketing, max_documents: 2, per_days: 30}
triggers:
  abandoned_cart_reminder_hours: 24
  win_back_days: 180
  price_drop_min_percent: 5
"""


class MarketingPipeline:
    def __init__(
        self,
        kafka: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        exstream: RunningSimulator,
        tmp: Path,
        policy: MarketingPolicy,
    ) -> None:
        self.kafka, self.registry_settings, self.registry = kafka, registry_settings, registry
        self.exstream, self.tmp, self.policy = exstream, tmp, policy
        carts, products, triggers, requests = new_topics(kafka, "carts", "products", "triggers", "requests")
        self.topics = {"cart": carts, "product": products, "triggers": triggers, "requests": requests}
        self.profiles_topic, self.contacts_topic = new_topics(kafka, "profiles", "contacts", compact=True)
        TopicAdmin(kafka.client_config()).create([TopicSpec(RESULTS_TOPIC, 3, 1, {})])
        policy_path = tmp / "marketing.yaml"
        policy_path.write_text(POLICY_YAML, encoding="utf-8")
        self.config = MarketingConfig(
            policy_path=policy_path,
            campaigns_dir=tmp / "campaigns",
            output_dir=tmp / "campaign-output",
            profiles_topic=self.profiles_topic,
            contacts_topic=self.contacts_topic,
            requests_topic=requests,
        )
        self.profiles: dict[int, MarketingProfile | None] = {}

    # ---- inputs -------------------------------------------------------------------------------------
    def fold(self, snapshots: Iterable[SnapshotEnvelope]) -> None:
        """Fold snapshots as the customer-profiles group does and write the changed profiles."""
        changed = set()
        for snap in snapshots:
            cid = customer_of(snap) or cart_owner([p for p in self.profiles.values() if p], snap.entity_id)
            self.profiles[cid] = folded(self.profiles.get(cid), snap, self.policy, cid)
            changed.add(cid)
        codec = table_codec(
            MarketingProfile, marketing_profiles.TOPIC, self.profiles_topic, self.registry, auto_register=True
        )
        producer = Producer(self.kafka.client_config())
        for cid in sorted(changed):
            profile = self.profiles[cid]
            assert profile is not None
            producer.produce(self.profiles_topic, codec.encode(profile), key=profile.key.encode())
        assert producer.flush(30) == 0

    def snapshots(self, snapshots: Iterable[SnapshotEnvelope]) -> None:
        produce_snapshots(self.kafka, self.registry, self.topics, snapshots)

    def publish(self, topic: str, requests: list[CampaignRequest]) -> None:
        cli = MarketingCliSettings(kafka=self.kafka, registry=self.registry_settings, marketing=self.config)
        assert publish(cli, topic, requests) == len(requests)

    # ---- consumers ----------------------------------------------------------------------------------
    def run(self, flow: str, topics: list[str]) -> None:
        """Run ``flow`` until it consumed ``topics`` to their end, then stop it."""
        group = new_group(self.kafka, flow)
        settings = consume_settings(
            self.kafka,
            self.registry_settings,
            group=group,
            topics=topics,
            exstream=exstream_settings(self.exstream.base_url),
            storage_root=self.tmp / "documents",
            retry_topic_rounds=0,
        )
        marketing = MarketingSettings(marketing=self.config)

        def factory(services: Services) -> UseCase[Any]:
            if flow == "retention":
                return build_retention(services, marketing)
            return build_catalogs(services, marketing, products_topic=self.topics["product"])

        consumer = RunningConsumer(flow, factory, settings)
        try:
            for topic in topics:
                wait_drained(self.kafka, group, topic)
        finally:
            assert consumer.stop() == 0

    # ---- outcomes -----------------------------------------------------------------------------------
    def contacts(self) -> dict[int, list[str]]:
        rows = read_table(
            self.kafka, self.registry, ContactHistory, marketing_contacts.CONTACTS_TOPIC, self.contacts_topic
        )
        found: dict[int, list[str]] = {}
        for history in rows.values():  # one row per contact: a customer's history is the union
            found.setdefault(history.customer_id, []).extend(c.document_type for c in history.contacts)
        return {customer: sorted(types) for customer, types in found.items()}

    def produced(self, key: str) -> int:
        from consumers.runtime.ledger import exstream_reference

        count: int = self.exstream.simulator.count_for(exstream_reference(key))
        return count


def now_minus(now: datetime, **delta: float) -> datetime:
    from datetime import timedelta

    return now - timedelta(**delta)
