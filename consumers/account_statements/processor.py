"""The account-statements processor: one ``commerce.schedules.v1`` request → the company's due documents.

Per request: the company's period data (:mod:`.gather`: the store's lists, read once per run), its account
(:mod:`.statement`), routing facts and the documents kit's two-pass decision; each due document (statement,
summary, aging notice) goes to the runtime's document step, on demand or — when the run is larger than
``batch_threshold`` companies — through the Exstream batch input. The ledger makes each effectively once
per idempotency key ``account_statements:store:company:id:<type>:<edition>``, so a re-delivered or
re-published request produces nothing new. Requests of another schedule are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bcx.contracts.commerce_schedules import MONTHLY_STATEMENT, ScheduleRequestRecord
from bcx.contracts.document_result import Recipient
from bcx.logging import get_logger
from consumers.account_statements.driver_data import StatementInput, build_driver_data
from consumers.account_statements.facts import statement_facts
from consumers.account_statements.gather import CompanyData
from consumers.account_statements.period import Period
from consumers.account_statements.settings import AccountStatementsConfig
from consumers.account_statements.statement import CompanyAccount, company_account
from consumers.documents.dates import store_zone
from consumers.documents.due import attempt_all, decide, due_documents
from consumers.documents.explain import explain
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext
from consumers.runtime.classify import classify
from consumers.runtime.errors import PermanentError
from routing import DocumentDecision, RuleSet

log = get_logger(__name__)


class CompanySource(Protocol):
    async def company(self, store_hash: str, period: Period, company_id: int) -> CompanyData: ...


class DocumentRunner(Protocol):
    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome: ...


class AccountStatementsProcessor:
    """Implements the runtime's ``Processor[ScheduleRequestRecord]``."""

    def __init__(
        self,
        *,
        rules: RuleSet,
        step: DocumentRunner,
        source: CompanySource,
        config: AccountStatementsConfig,
        is_sent: Callable[[str], bool],
    ) -> None:
        self._rules = rules
        self._step = step
        self._source = source
        self._config = config
        self._is_sent = is_sent

    async def process(self, value: ScheduleRequestRecord, ctx: RecordContext) -> None:
        if value.schedule != MONTHLY_STATEMENT or value.company is None:
            log.info("statements.ignored", store_hash=value.store_hash, schedule=value.schedule)
            return
        company = value.company
        try:
            period = Period.parse(value.period)
        except Exception as exc:
            raise PermanentError(str(exc), error_class="data.period", stage="decode") from exc
        try:
            data = await self._source.company(value.store_hash, period, company.company_id)
        except Exception as exc:
            raise classify(exc, "fetch") from exc
        account = company_account(data.invoices, data.receipts, period, store_zone(data.store.timezone))
        facts = statement_facts(
            value,
            company,
            account,
            terms_days=data.terms.payment_terms if data.terms is not None else None,
            default_summary=self._config.default_summary,
        )
        decided = decide(self._rules, [facts], is_sent=self._is_sent)
        due = due_documents(decided)
        batch = value.run_size > self._config.batch_threshold

        async def run(document: DocumentDecision) -> DocumentOutcome:
            statement = facts.statement
            assert statement is not None
            driver_data = self._driver_data(document, value, period, data, account, statement.summary_period)
            request = DocumentRequest(
                decision=document,
                recipient=Recipient(
                    store_hash=value.store_hash,
                    customer_id=None,
                    entity_type="company",
                    entity_id=str(company.company_id),
                    company_id=str(company.company_id),
                ),
                driver_data=driver_data,
                source_event_id=value.request_id,
                event_created_at=value.requested_at,
                mode="batch" if batch else "on_demand",
                batch_input=self._config.batch_input if batch else None,
                explanation=explain(decided, document),
            )
            return await self._step.run(request, ctx)

        attempts = await attempt_all(due, run)
        log.info(
            "statements.processed",
            store_hash=value.store_hash,
            company_id=company.company_id,
            period=value.period,
            version=value.version,
            mode="batch" if batch else "on_demand",
            rules=sorted({r.rule for d in decided for r in d.matched_rules()}),
            documents=attempts.outcomes,
        )
        attempts.raise_first()

    def _driver_data(
        self,
        document: DocumentDecision,
        value: ScheduleRequestRecord,
        period: Period,
        data: CompanyData,
        account: CompanyAccount,
        summary_period: str | None,
    ) -> dict[str, object]:
        assert value.company is not None
        try:
            return build_driver_data(
                StatementInput(
                    document_type=document.document_type,
                    locale=document.locale,
                    channels=tuple(c.value for c in document.channels),
                    reference=document.idempotency_key or "",
                    edition=document.version or value.period,
                    period=period,
                    store=data.store,
                    company=value.company,
                    account=account,
                    credit=data.credit,
                    terms=data.terms,
                    summary_period=summary_period,
                )
            )
        except Exception as exc:  # a mapping bug is classified like any other failure
            raise classify(exc, "map") from exc
