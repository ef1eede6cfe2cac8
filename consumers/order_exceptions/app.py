"""``bcx consume order-exceptions``: the flow's wiring (registered in :mod:`consumers.registry`).

Input ``commerce.orders.v1`` (the enricher's order snapshots, including the ones ``bcx sweep
delayed-orders`` causes); group ``bcx-order-exceptions``; notices through the runtime's document step.
Rules from ``BCX_ORDER_EXCEPTIONS__RULES_PATH`` and the exception policy from
``BCX_ORDER_EXCEPTIONS__POLICY_PATH`` are validated here at start-up, so a bad file stops the process before
it consumes. It calls no BigCommerce API: the snapshots carry the store and the customer.
"""

from __future__ import annotations

from bcx.contracts import commerce_orders
from bcx.contracts.codecs import codec_for
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.ledger_entry import LedgerState
from bcx.errors import ConfigurationError
from bcx.settings import load_settings
from consumers.documents.erasures import ErasedCustomers
from consumers.order_exceptions.flow import FLOW
from consumers.order_exceptions.policy import load_policy
from consumers.order_exceptions.processor import OrderExceptionsProcessor
from consumers.order_exceptions.settings import OrderExceptionsSettings
from consumers.registry import use_case_names
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.stream.errors import PermanentError
from routing import load_rules

_SENT = frozenset({LedgerState.GENERATED, LedgerState.DELIVERED})


def build(
    services: Services, settings: OrderExceptionsSettings | None = None
) -> UseCase[OrderSnapshotRecord]:
    """The order-exceptions use case on ``services`` (settings from the environment unless given)."""
    settings = settings or load_settings(OrderExceptionsSettings)
    config = settings.order_exceptions
    rules = load_rules(config.rules_path, use_cases=use_case_names())
    policy = load_policy(config.policy_path)
    codec = codec_for(OrderSnapshotRecord, commerce_orders.TOPIC, services.registry, auto_register=False)

    def decode(record: SourceRecord) -> OrderSnapshotRecord:
        if record.value is None:
            raise PermanentError("empty order snapshot record", error_class="data.empty", stage="decode")
        return codec.decode(record.value)

    def is_sent(key: str) -> bool:
        entry = services.ledger.get(key)
        return entry is not None and entry.state in _SENT

    erased = ErasedCustomers(services.settings.kafka.client_config()).start()
    if not erased.wait_ready(services.settings.consumer.ledger_catch_up_timeout_s):
        raise ConfigurationError("customers.erasures.v1 could not be read; refusing to send documents blind")
    processor = OrderExceptionsProcessor(
        rules=rules,
        policy=policy,
        step=services.document_step(FLOW.use_case),
        is_sent=is_sent,
        erased=erased.erased,
    )
    return UseCase(name=FLOW.name, topics=FLOW.input_topics, decoder=decode, processor=processor)
