"""``bcx consume order-documents``: the use case's wiring (registered in :mod:`consumers.registry`).

Input ``commerce.orders.v1`` (the enricher's order snapshots); group ``bcx-order-documents``; documents
through the runtime's document step; rules from ``BCX_ORDER_DOCUMENTS__RULES_PATH`` (default: routing's
``default.yaml``), validated here at start-up so a bad rule file stops the process before it consumes.
It needs no BigCommerce credentials: the order snapshots carry the store and the customer.
"""

from __future__ import annotations

from bcx.contracts import commerce_orders
from bcx.contracts.codecs import codec_for
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.ledger_entry import LedgerState
from bcx.errors import ConfigurationError
from bcx.settings import load_settings
from consumers.documents.erasures import ErasedCustomers
from consumers.order_documents.flow import FLOW
from consumers.order_documents.processor import OrderDocumentsProcessor
from consumers.order_documents.settings import OrderDocumentsSettings
from consumers.registry import use_case_names
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.stream.errors import PermanentError
from routing import load_rules

NAME = FLOW.name
#: the ``use_case`` of results and idempotency keys: ``order_documents``
USE_CASE = FLOW.use_case
_SENT = frozenset({LedgerState.GENERATED, LedgerState.DELIVERED})


def build(services: Services, settings: OrderDocumentsSettings | None = None) -> UseCase[OrderSnapshotRecord]:
    """The order-documents use case on ``services`` (settings from the environment unless given)."""
    settings = settings or load_settings(OrderDocumentsSettings)
    rules = load_rules(settings.order_documents.rules_path, use_cases=use_case_names())
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
    processor = OrderDocumentsProcessor(
        rules=rules,
        step=services.document_step(USE_CASE),
        is_sent=is_sent,
        erased=erased.erased,
    )
    return UseCase(name=NAME, topics=FLOW.input_topics, decoder=decode, processor=processor)
