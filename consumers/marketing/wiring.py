"""What a marketing flow's ``build`` starts: the policy, the profiles table (read), the contact history
(read and written), metrics and the sender; the codec of campaign requests and triggers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bcx.avro.codec import AvroCodec
from bcx.contracts import marketing_contacts, marketing_profiles
from bcx.contracts.ledger_entry import LedgerState
from bcx.contracts.marketing_contacts import CampaignRequest, ContactHistory
from bcx.contracts.marketing_profiles import MarketingProfile
from bcx.errors import ConfigurationError
from consumers.documents.erasures import ErasedCustomers
from consumers.marketing.contacts import ContactLog, customer_of
from consumers.marketing.metrics import MarketingMetrics
from consumers.marketing.policy import MarketingPolicy, load_policy
from consumers.marketing.sender import MarketingSender
from consumers.marketing.settings import MarketingSettings
from consumers.marketing.table import CompactedTable, table_codec
from consumers.runtime import Services
from consumers.stream.errors import RetryableError
from routing import RuleSet

_SENT = frozenset({LedgerState.GENERATED, LedgerState.DELIVERED})


def request_codec(topic: str, registry: Any, *, auto_register: bool) -> AvroCodec[CampaignRequest]:
    return table_codec(
        CampaignRequest, marketing_contacts.REQUESTS_TOPIC, topic, registry, auto_register=auto_register
    )


def open_table(table: CompactedTable[Any], timeout_s: float) -> None:
    table.start()
    if not table.wait_caught_up(timeout_s):
        table.close()
        raise RetryableError(
            f"{table.topic} not read to its end", error_class="kafka.catch_up", stage="start"
        )


@dataclass
class MarketingServices:
    services: Services
    use_case: str
    policy: MarketingPolicy
    rules: RuleSet
    profiles: CompactedTable[MarketingProfile]
    contacts: CompactedTable[ContactHistory]
    metrics: MarketingMetrics | None
    erased: ErasedCustomers

    @classmethod
    def start(
        cls, services: Services, settings: MarketingSettings, use_case: str, rules: RuleSet
    ) -> MarketingServices:
        config, kafka = settings.marketing, services.settings.kafka
        auto = services.settings.registry.auto_register
        timeout = services.settings.consumer.ledger_catch_up_timeout_s
        profiles = CompactedTable(
            kafka,
            config.profiles_topic,
            table_codec(
                MarketingProfile,
                marketing_profiles.TOPIC,
                config.profiles_topic,
                services.registry,
                auto_register=auto,
            ),
        )
        contacts = CompactedTable(
            kafka,
            config.contacts_topic,
            table_codec(
                ContactHistory,
                marketing_contacts.CONTACTS_TOPIC,
                config.contacts_topic,
                services.registry,
                auto_register=auto,
            ),
            services.producer,
            group_of=customer_of,
        )
        open_table(profiles, timeout)
        open_table(contacts, timeout)
        erased = ErasedCustomers(kafka.client_config()).start()
        if not erased.wait_ready(timeout):
            raise ConfigurationError(
                "customers.erasures.v1 could not be read; refusing to send documents blind"
            )
        registry = services.metrics.registry if services.metrics is not None else None
        return cls(
            services=services,
            use_case=use_case,
            policy=load_policy(config.policy_path),
            rules=rules,
            profiles=profiles,
            contacts=contacts,
            metrics=MarketingMetrics(registry) if registry is not None else None,
            erased=erased,
        )

    def is_sent(self, key: str) -> bool:
        entry = self.services.ledger.get(key)
        return entry is not None and entry.state in _SENT

    def sender(self, now: Callable[[], datetime]) -> MarketingSender:
        return MarketingSender(
            use_case=self.use_case,
            rules=self.rules,
            step=self.services.document_step(self.use_case),
            profiles=self.profiles,
            contacts=ContactLog(self.contacts, self.policy),
            policy=self.policy,
            is_sent=self.is_sent,
            now=now,
            metrics=self.metrics,
            erased=self.erased.erased,
        )
