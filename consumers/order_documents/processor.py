"""The order-documents processor: one ``commerce.orders.v1`` snapshot → its due documents via the runtime.

Per record: skip deleted orders; take the order, the store and the customer from the snapshot (the
enricher carries them: this use case calls no BigCommerce API); build routing facts and decide
(:mod:`.decide`); for each due document build its driver data and hand it to the
runtime's :class:`~consumers.runtime.DocumentStep`, which makes it effectively once per idempotency key
(confirmation and invoice once per order, a receipt once per payment transaction). Every due document is
attempted even when an earlier one fails (the documents kit's :func:`~consumers.documents.due.attempt_all`),
then the first retryable failure (else the first permanent one) is raised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.logging import get_logger
from consumers.documents.due import attempt_all, mapped
from consumers.documents.explain import explain
from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.request import order_request
from consumers.documents.orders.snapshot import order_context, trigger
from consumers.documents.reissue import Reissue
from consumers.order_documents.decide import decisions, due_documents
from consumers.order_documents.driver_data import DocumentRequest as DriverRequest
from consumers.order_documents.driver_data import build_driver_data
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext
from routing import DocumentDecision, RoutingDecision, RuleSet

log = get_logger(__name__)


class DocumentRunner(Protocol):
    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome: ...


class OrderDocumentsProcessor:
    """Implements the runtime's ``Processor[OrderSnapshotRecord]``."""

    def __init__(
        self,
        *,
        rules: RuleSet,
        step: DocumentRunner,
        is_sent: Callable[[str], bool],
        erased: Callable[[str, str | None], bool] = lambda _store, _customer: False,
    ) -> None:
        self._rules = rules
        self._erased = erased
        self._step = step
        self._is_sent = is_sent

    async def process(self, value: OrderSnapshotRecord, ctx: RecordContext) -> None:
        if value.deleted or value.order is None:
            log.info("order_documents.deleted", store_hash=value.store_hash, order_id=value.entity_id)
            return
        context = order_context(value)
        snapshot = context.snapshot
        customer_id = str(snapshot.order.customer_id) if snapshot.order.customer_id else None
        if self._erased(value.store_hash, customer_id):
            # the customer's data was erased (bcx erase, store/customer/deleted): nothing more is sent
            log.info("order_documents.customer_erased", store_hash=value.store_hash, order_id=value.entity_id)
            return
        reissue = Reissue.of(ctx.record)
        # a re-issue decides as if nothing was sent, then keeps the named documents under new keys
        is_sent = self._is_sent if reissue is None else (lambda _key: False)
        decided = decisions(self._rules, context, trigger(value), is_sent=is_sent)
        due = due_documents(decided)
        chosen = reissue.select(due) if reissue is not None else {}
        if reissue is not None:
            due = [new for new, _original in chosen.values()]

        async def run(document: DocumentDecision) -> DocumentOutcome:
            request = self._request(value, context, document, decided)
            if reissue is not None and request.explanation is not None:
                original = chosen[document.idempotency_key or ""][1]
                why = explain(decided, original)
                request = replace(request, explanation=reissue.explain(why, original.idempotency_key or ""))
            return await self._step.run(request, ctx)

        attempts = await attempt_all(due, run)
        log.info(
            "order_documents.processed",
            store_hash=value.store_hash,
            order_id=value.entity_id,
            status_id=snapshot.order.status_id,
            event_id=value.trigger.event_id,
            scope=value.trigger.scope,
            rules=sorted({r.rule for d in decided for r in d.matched_rules()}),
            documents=attempts.outcomes,
        )
        attempts.raise_first()

    def _request(
        self,
        value: OrderSnapshotRecord,
        context: OrderContext,
        document: DocumentDecision,
        decided: list[RoutingDecision],
    ) -> DocumentRequest:
        driver_data = mapped(
            lambda: build_driver_data(
                context,
                DriverRequest(
                    document_type=document.document_type,
                    locale=document.locale,
                    channels=tuple(c.value for c in document.channels),
                    reference=document.idempotency_key,
                    version=document.version,
                ),
            )
        )
        return order_request(value, context, document, driver_data, decided)
