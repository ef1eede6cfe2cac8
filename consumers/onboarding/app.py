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
from bcx.contracts.ledger_entry import LedgerState
from bcx.errors import ConfigurationError
from bcx.settings import load_settings
from consumers.documents.erasures import ErasedCustomers
from consumers.onboarding.flow import FLOW
from consumers.onboarding.policy import load_policy
from consumers.onboarding.processor import OnboardingProcessor, Snapshot
from consumers.onboarding.settings import OnboardingSettings
from consumers.registry import use_case_names
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.stream.errors import PermanentError
from routing import load_rules

_SENT = frozenset({LedgerState.GENERATED, LedgerState.DELIVERED})


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
        if record.value is None:
            raise PermanentError("empty snapshot record", error_class="data.empty", stage="decode")
        key = (record.key or b"").decode("utf-8", "replace").split(":")
        if len(key) >= 2 and key[1] == commerce_accounts.ENTITY_TYPE:
            return accounts.decode(record.value)
        return orders.decode(record.value)

    def is_sent(key: str) -> bool:
        entry = services.ledger.get(key)
        return entry is not None and entry.state in _SENT

    erased = ErasedCustomers(services.settings.kafka.client_config()).start()
    if not erased.wait_ready(services.settings.consumer.ledger_catch_up_timeout_s):
        raise ConfigurationError("customers.erasures.v1 could not be read; refusing to send documents blind")
    processor = OnboardingProcessor(
        rules=rules,
        policy=policy,
        step=services.document_step(FLOW.use_case),
        is_sent=is_sent,
        erased=erased.erased,
    )
    return UseCase(name=FLOW.name, topics=FLOW.input_topics, decoder=decode, processor=processor)
