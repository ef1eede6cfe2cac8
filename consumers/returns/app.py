"""``bcx consume returns``: the use case's wiring (registered in :mod:`consumers.registry`).

Inputs ``commerce.returns.v1`` (a returns service, directly or through the bridge's returns intake) and
``commerce.refunds.v1`` (the enricher's refund snapshots); group ``bcx-returns``; rules from
``BCX_RETURNS__RULES_PATH`` (default: routing's ``default.yaml``, whose ``returns_policy`` is the policy),
validated at start-up. It calls no BigCommerce API.
"""

from __future__ import annotations

from bcx.contracts import commerce_refunds, commerce_returns
from bcx.contracts.codecs import codec_for
from bcx.contracts.commerce_refunds import RefundSnapshotRecord
from bcx.contracts.commerce_returns import ReturnRecord
from bcx.contracts.ledger_entry import LedgerState
from bcx.errors import ConfigurationError
from bcx.settings import load_settings
from consumers.documents.erasures import ErasedCustomers
from consumers.registry import use_case_names
from consumers.returns.flow import FLOW
from consumers.returns.labels import label_provider
from consumers.returns.processor import ReturnsInput, ReturnsProcessor
from consumers.returns.settings import ReturnsSettings
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.stream.errors import PermanentError
from routing import load_rules

NAME = FLOW.name
USE_CASE = FLOW.use_case
_SENT = frozenset({LedgerState.GENERATED, LedgerState.DELIVERED})


def build(services: Services, settings: ReturnsSettings | None = None) -> UseCase[ReturnsInput]:
    """The returns use case on ``services`` (settings from the environment unless given)."""
    settings = settings or load_settings(ReturnsSettings)
    config = settings.returns
    rules = load_rules(config.rules_path, use_cases=use_case_names())
    returns_codec = codec_for(ReturnRecord, commerce_returns.TOPIC, services.registry, auto_register=False)
    refunds_codec = codec_for(
        RefundSnapshotRecord, commerce_refunds.TOPIC, services.registry, auto_register=False
    )

    def decode(record: SourceRecord) -> ReturnsInput:
        if record.value is None:
            raise PermanentError("empty returns record", error_class="data.empty", stage="decode")
        # the key's entity type says which input it is, also on the group's retry topic and after a replay
        if record.key is not None and record.key.split(b":")[1:2] == [commerce_refunds.ENTITY_TYPE.encode()]:
            return refunds_codec.decode(record.value)
        return returns_codec.decode(record.value)

    def is_sent(key: str) -> bool:
        entry = services.ledger.get(key)
        return entry is not None and entry.state in _SENT

    erased = ErasedCustomers(services.settings.kafka.client_config()).start()
    if not erased.wait_ready(services.settings.consumer.ledger_catch_up_timeout_s):
        raise ConfigurationError("customers.erasures.v1 could not be read; refusing to send documents blind")
    step = services.document_step(USE_CASE)
    processor = ReturnsProcessor(
        rules=rules,
        step=step,
        labels=label_provider(config.label_provider, step),
        is_sent=is_sent,
        return_address=config.return_address,
        support_email=config.support_email,
        erased=erased.erased,
    )
    return UseCase(name=NAME, topics=FLOW.input_topics, decoder=decode, processor=processor)
