"""``bcx consume onboarding``: the flow's wiring (registered in :mod:`consumers.registry`).

Inputs ``commerce.orders.v1`` and ``commerce.accounts.v1`` (the enricher's order and company snapshots; a
record's key ``store:entity_type:id`` says which); group ``bcx-onboarding``; documents through the runtime's
document step. Rules (``BCX_ONBOARDING__RULES_PATH``) and the onboarding policy
(``BCX_ONBOARDING__POLICY_PATH``) are validated at start-up. It calls no BigCommerce API.
"""

from __future__ import annotations

from bcx.contracts import commerce_accounts, commerce_orders
from bcx.contracts.codecs import codec_for
from bcx.contracts.commerce_accounts import AccountSnapshotRecord
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.settings import load_settings
from consumers.documents.wiring import erased_customers, sent_in, value_of
from consumers.onboarding.flow import FLOW
from consumers.onboarding.policy import load_policy
from consumers.onboarding.processor import OnboardingProcessor, Snapshot
from consumers.onboarding.settings import OnboardingSettings
from consumers.registry import use_case_names
from consumers.runtime import Services, SourceRecord, UseCase
from routing import load_rules


def build(services: Services, settings: OnboardingSettings | None = None) -> UseCase[Snapshot]:
    """The onboarding use case on ``services`` (settings from the environment unless given)."""
    settings = settings or load_settings(OnboardingSettings)
    config = settings.onboarding
    rules = load_rules(config.rules_path, use_cases=use_case_names())
    policy = load_policy(config.policy_path)
    orders = codec_for(OrderSnapshotRecord, commerce_orders.TOPIC, services.registry, auto_register=False)
    accounts = codec_for(
        AccountSnapshotRecord, commerce_accounts.TOPIC, services.registry, auto_register=False
    )

    def decode(record: SourceRecord) -> Snapshot:
        value = value_of(record, "snapshot record")
        key = (record.key or b"").decode("utf-8", "replace").split(":")
        if len(key) >= 2 and key[1] == commerce_accounts.ENTITY_TYPE:
            return accounts.decode(value)
        return orders.decode(value)

    erased = erased_customers(services)
    processor = OnboardingProcessor(
        rules=rules,
        policy=policy,
        step=services.document_step(FLOW.use_case),
        is_sent=sent_in(services),
        erased=erased.erased,
    )
    return UseCase(name=FLOW.name, topics=FLOW.input_topics, decoder=decode, processor=processor)
