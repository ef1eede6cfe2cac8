"""``bcx consume account-statements``: the use case's wiring (registered in :mod:`consumers.registry`).

Input ``commerce.schedules.v1`` (``bcx statements plan``); group ``bcx-account-statements``; rules from
``BCX_ACCOUNT_STATEMENTS__RULES_PATH`` (default: routing's ``default.yaml``), validated at start-up; the
B2B Edition client from ``BCX_BIGCOMMERCE__*`` (its per-store budget, 150 requests/min by default).
"""

from __future__ import annotations

from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.codecs import codec_for
from bcx.contracts.commerce_schedules import TOPIC, ScheduleRequestRecord
from bcx.contracts.ledger_entry import LedgerState
from bcx.settings import load_settings
from consumers.account_statements.chunk import ChunkJobs
from consumers.account_statements.flow import FLOW
from consumers.account_statements.gather import PeriodData
from consumers.account_statements.processor import AccountStatementsProcessor
from consumers.account_statements.settings import AccountStatementsSettings
from consumers.registry import use_case_names
from consumers.runtime import Services, SourceRecord, UseCase
from consumers.stream.errors import PermanentError
from routing import load_rules

USE_CASE = FLOW.use_case
_SENT = frozenset({LedgerState.GENERATED, LedgerState.DELIVERED})


def build(
    services: Services,
    settings: AccountStatementsSettings | None = None,
    client: BigCommerceClient | None = None,
) -> UseCase[ScheduleRequestRecord]:
    """The account-statements use case on ``services`` (settings from the environment unless given)."""
    settings = settings or load_settings(AccountStatementsSettings)
    config = settings.account_statements
    rules = load_rules(config.rules_path, use_cases=use_case_names())
    codec = codec_for(ScheduleRequestRecord, TOPIC, services.registry, auto_register=False)
    # the client is the process's (one B2B budget per store); closed when the runtime stops
    b2b = client or BigCommerceClient(settings.bigcommerce)
    source = PeriodData(b2b, credit_and_terms=config.credit_and_terms)

    def decode(record: SourceRecord) -> ScheduleRequestRecord:
        if record.value is None:
            raise PermanentError("empty schedule record", error_class="data.empty", stage="decode")
        return codec.decode(record.value)

    def is_sent(key: str) -> bool:
        entry = services.ledger.get(key)
        return entry is not None and entry.state in _SENT

    step = services.document_step(USE_CASE)
    chunks = ChunkJobs(
        use_case=USE_CASE, step=step, batch_input=config.batch_input, ledger_get=services.ledger.get
    )
    processor = AccountStatementsProcessor(
        rules=rules, step=step, source=source, config=config, is_sent=is_sent, chunks=chunks
    )
    return UseCase(
        name=FLOW.name,
        topics=FLOW.input_topics,
        decoder=decode,
        processor=processor,
        close=None if client is not None else b2b.aclose,
    )
