"""The account-statements processor: one ``commerce.schedules.v1`` request → the company's due documents.

Per request: the company's period data (:mod:`.gather`: the store's lists, read once per run), its account
(:mod:`.statement`), routing facts and the documents kit's two-pass decision; each due document (statement,
summary, aging notice) goes to the runtime's document step, on demand or — when the run is larger than
``batch_threshold`` companies — through the Exstream batch input. The ledger makes each effectively once
per idempotency key ``account_statements:store:company:id:<type>:<edition>``, so a re-delivered or
re-published request produces nothing new. A chunk request (a large run's companies, planned above the
threshold) becomes one Exstream batch job per communication (:mod:`.chunk`). Requests of another
schedule are ignored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from bcx.contracts.commerce_accounts import Company
from bcx.contracts.commerce_schedules import MONTHLY_STATEMENT, ScheduleRequestRecord
from bcx.contracts.document_result import Recipient
from bcx.logging import get_logger
from consumers.account_statements.chunk import ChunkJobs
from consumers.account_statements.driver_data import StatementInput, build_driver_data
from consumers.account_statements.facts import statement_facts
from consumers.account_statements.gather import CompanyData
from consumers.account_statements.period import Period
from consumers.account_statements.settings import AccountStatementsConfig
from consumers.account_statements.statement import CompanyAccount, company_account
from consumers.documents.dates import store_zone
from consumers.documents.due import Attempts, attempt_all, decide, due_documents, mapped
from consumers.documents.explain import explain
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext
from consumers.runtime.classify import classify
from consumers.stream.errors import PermanentError
from routing import DocumentDecision, RoutingDecision, RuleSet

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
        chunks: ChunkJobs | None = None,
    ) -> None:
        self._chunks = chunks
        self._rules = rules
        self._step = step
        self._source = source
        self._config = config
        self._is_sent = is_sent

    async def process(self, value: ScheduleRequestRecord, ctx: RecordContext) -> None:
        if value.schedule != MONTHLY_STATEMENT or (value.company is None and not value.companies):
            log.info("statements.ignored", store_hash=value.store_hash, schedule=value.schedule)
            return
        try:
            period = Period.parse(value.period)
        except Exception as exc:
            raise PermanentError(str(exc), error_class="data.period", stage="decode") from exc
        if value.companies:
            await self._chunk(value, period, ctx)
            return
        assert value.company is not None
        decided, requests = await self._documents(value, value.company, period)
        batch = value.run_size > self._config.batch_threshold
        if batch:
            requests = [replace(r, mode="batch", batch_input=self._config.batch_input) for r in requests]
        attempts = await _attempt(requests, ctx, self._step)
        log.info(
            "statements.processed",
            store_hash=value.store_hash,
            company_id=value.company.company_id,
            period=value.period,
            version=value.version,
            mode="batch" if batch else "on_demand",
            rules=sorted({r.rule for d in decided for r in d.matched_rules()}),
            documents=attempts.outcomes,
        )
        attempts.raise_first()

    async def _chunk(self, value: ScheduleRequestRecord, period: Period, ctx: RecordContext) -> None:
        """Every company of a chunk request, then one batch job per communication (:mod:`.chunk`)."""
        if self._chunks is None:
            raise PermanentError(
                "chunk requests need a batch step", error_class="data.invalid", stage="route"
            )
        gathered = await asyncio.gather(
            *(self._documents(value, company, period) for company in value.companies),
            return_exceptions=True,
        )
        failures = [g for g in gathered if isinstance(g, BaseException)]
        if failures:  # nothing submitted yet: the chunk is retried (or dead-lettered) whole
            errors = [classify(f, "fetch") for f in failures]
            raise next((e for e in errors if e.retryable), errors[0])
        requests = [r for g in gathered if not isinstance(g, BaseException) for r in g[1]]
        prepared = await self._chunks.prepare(value, requests, ctx)
        attempts = await _attempt(prepared, ctx, self._step)
        log.info(
            "statements.chunk_processed",
            store_hash=value.store_hash,
            chunk=value.subject_id,
            period=value.period,
            version=value.version,
            companies=len(value.companies),
            documents=len(requests),
            failed=len(attempts.failures),
        )
        attempts.raise_first()

    async def _documents(
        self, value: ScheduleRequestRecord, company: Company, period: Period
    ) -> tuple[list[RoutingDecision], list[DocumentRequest]]:
        """The company's routing decisions and a request (on demand) for each due document."""
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
        statement = facts.statement
        assert statement is not None
        requests = [
            DocumentRequest(
                decision=document,
                recipient=Recipient(
                    store_hash=value.store_hash,
                    customer_id=None,
                    entity_type="company",
                    entity_id=str(company.company_id),
                    company_id=str(company.company_id),
                ),
                driver_data=self._driver_data(
                    document, value, company, period, data, account, statement.summary_period
                ),
                source_event_id=value.request_id,
                event_created_at=value.requested_at,
                explanation=explain(decided, document),
            )
            for document in due_documents(decided)
        ]
        return decided, requests

    def _driver_data(
        self,
        document: DocumentDecision,
        value: ScheduleRequestRecord,
        company: Company,
        period: Period,
        data: CompanyData,
        account: CompanyAccount,
        summary_period: str | None,
    ) -> dict[str, object]:
        return mapped(
            lambda: build_driver_data(
                StatementInput(
                    document_type=document.document_type,
                    locale=document.locale,
                    channels=tuple(c.value for c in document.channels),
                    reference=document.idempotency_key or "",
                    edition=document.version or value.period,
                    period=period,
                    store=data.store,
                    company=company,
                    account=account,
                    credit=data.credit,
                    terms=data.terms,
                    summary_period=summary_period,
                )
            )
        )


async def _attempt(requests: list[DocumentRequest], ctx: RecordContext, step: DocumentRunner) -> Attempts:
    """Every request through the step (:func:`attempt_all`: failures collected, not stopping early)."""
    by_key = {r.decision.idempotency_key: r for r in requests}

    async def run(document: DocumentDecision) -> DocumentOutcome:
        return await step.run(by_key[document.idempotency_key], ctx)

    return await attempt_all([r.decision for r in requests], run)
