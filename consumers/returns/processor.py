"""The returns processor: one ``commerce.returns.v1`` state or ``commerce.refunds.v1`` refund → its due
documents through the runtime's document step (shipping labels through the :mod:`.labels` provider).

A return's documents are once per return (``return:<return_id>``): a redelivered or replayed state finds
their keys sent and produces nothing. Reordering: a late ``requested``/``authorised`` state of a return
whose refusal was already sent is stale and produces nothing (the customer must not get an RMA after the
refusal); a rejection after an RMA still gets its refusal letter. A refund's confirmation is once per
refund id, so partial refunds each get their own. A customer whose data was erased (``bcx erase``,
store/customer/deleted: ``customers.erasures.v1``) gets nothing more, as in every document flow.
"""

from __future__ import annotations

from collections.abc import Callable

from bcx.contracts.commerce_refunds import RefundSnapshotRecord
from bcx.contracts.commerce_returns import ReturnAddress, ReturnRecord
from bcx.contracts.document_result import Recipient
from bcx.logging import get_logger
from consumers.documents.due import attempt_all, decide, due_documents
from consumers.documents.explain import explain
from consumers.returns.driver_data import ReturnContext, refund_driver_data, return_driver_data
from consumers.returns.errors import DriverDataError
from consumers.returns.facts import refund_facts, return_facts
from consumers.returns.labels import DocumentRunner, LabelProvider
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext
from consumers.runtime.classify import classify
from consumers.stream.errors import PermanentError
from routing import DocumentDecision, RuleSet, idempotency_key
from routing.returns_policy import apply_policy

log = get_logger(__name__)

ReturnsInput = ReturnRecord | RefundSnapshotRecord
_ACTIVE = frozenset({"requested", "authorised"})


class ReturnsProcessor:
    """Implements the runtime's ``Processor[ReturnRecord | RefundSnapshotRecord]``."""

    def __init__(
        self,
        *,
        rules: RuleSet,
        step: DocumentRunner,
        labels: LabelProvider,
        is_sent: Callable[[str], bool],
        return_address: ReturnAddress | None,
        support_email: str = "",
        erased: Callable[[str, str | None], bool] = lambda _store, _customer: False,
    ) -> None:
        self._rules = rules
        self._erased = erased
        self._step = step
        self._labels = labels
        self._is_sent = is_sent
        self._return_address = return_address
        self._support_email = support_email

    async def process(self, value: ReturnsInput, ctx: RecordContext) -> None:
        if isinstance(value, ReturnRecord):
            await self._return(value, ctx)
        else:
            await self._refund(value, ctx)

    async def _return(self, record: ReturnRecord, ctx: RecordContext) -> None:
        customer_id = str(record.customer.customer_id) if record.customer.customer_id else None
        if self._erased(record.store_hash, customer_id):
            log.info("returns.customer_erased", store_hash=record.store_hash, return_id=record.return_id)
            return
        facts = return_facts(record)
        refusal = idempotency_key(
            "returns", record.store_hash, "return", record.return_id, "return_refusal", "1"
        )
        if record.state.value in _ACTIVE and self._is_sent(refusal):
            log.info(
                "returns.stale", store_hash=record.store_hash, return_id=record.return_id, state=record.state
            )
            return
        decided = decide(self._rules, [facts], is_sent=self._is_sent)
        policy = self._rules.returns_policy
        verdict = apply_policy(policy, facts)[0].returns if policy else facts.returns
        assert verdict is not None
        context = ReturnContext(record, verdict, policy, self._return_address, self._support_email)
        recipient = Recipient(
            store_hash=record.store_hash,
            customer_id=customer_id,
            entity_type="return",
            entity_id=record.return_id,
            order_id=str(record.order_id),
        )

        async def run(document: DocumentDecision) -> DocumentOutcome:
            try:
                data = return_driver_data(context, document)
            except DriverDataError as exc:
                raise PermanentError(str(exc), error_class="data.driver_data", stage="map") from exc
            except Exception as exc:  # a mapping bug is classified like any other failure
                raise classify(exc, "map") from exc
            request = DocumentRequest(
                decision=document,
                recipient=recipient,
                driver_data=data,
                source_event_id=record.event_id or f"{record.key}@{record.version}",
                event_created_at=record.updated_at,
                explanation=explain(decided, document),
            )
            if document.document_type == "return_label":
                return await self._labels.label(request, ctx)
            return await self._step.run(request, ctx)

        attempts = await attempt_all(due_documents(decided), run)
        log.info(
            "returns.processed",
            store_hash=record.store_hash,
            return_id=record.return_id,
            state=record.state,
            eligible=verdict.eligible,
            rules=sorted({r.rule for d in decided for r in d.matched_rules()}),
            documents=attempts.outcomes,
        )
        attempts.raise_first()

    async def _refund(self, record: RefundSnapshotRecord, ctx: RecordContext) -> None:
        facts = refund_facts(record)
        if facts is None:
            log.info("returns.refund_deleted", store_hash=record.store_hash, refund_id=record.entity_id)
            return
        customer = record.customer
        if self._erased(record.store_hash, str(customer.id) if customer else None):
            log.info("returns.customer_erased", store_hash=record.store_hash, refund_id=record.entity_id)
            return
        decided = decide(self._rules, [facts], is_sent=self._is_sent)

        async def run(document: DocumentDecision) -> DocumentOutcome:
            try:
                data = refund_driver_data(record, document)
            except Exception as exc:
                raise classify(exc, "map") from exc
            request = DocumentRequest(
                decision=document,
                recipient=Recipient(
                    store_hash=record.store_hash,
                    customer_id=str(customer.id) if customer else None,
                    entity_type="order",
                    entity_id=str(record.order_id),
                    order_id=str(record.order_id),
                ),
                driver_data=data,
                source_event_id=record.trigger.event_id,
                event_created_at=record.trigger.created_at,
                explanation=explain(decided, document),
            )
            return await self._step.run(request, ctx)

        attempts = await attempt_all(due_documents(decided), run)
        log.info(
            "returns.refund_processed",
            store_hash=record.store_hash,
            order_id=record.order_id,
            refund_id=record.entity_id,
            event_id=record.trigger.event_id,
            documents=attempts.outcomes,
        )
        attempts.raise_first()
