"""The order-exceptions processor: one ``commerce.orders.v1`` snapshot → the notices its exception states
call for, through the runtime's document step.

Per record: skip deleted orders and orders of erased customers (``customers.erasures.v1``); detect the
exception states this event may notify (:mod:`.detect`); build one routing facts object per state and decide
with the documents kit's two-pass ``sent_keys`` evaluation (a state already notified is explained as
"already sent"); for each due notice build its driver data and hand it, with the decision's explanation for
the result, to the document step, which makes it effectively once per idempotency key (one notice per
exception state). Every due notice is attempted, then the first failure is raised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.logging import get_logger
from consumers.documents.due import attempt_all, decide, due_with_facts, mapped
from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.facts import Trigger
from consumers.documents.orders.request import order_request
from consumers.documents.orders.snapshot import order_context, trigger
from consumers.order_exceptions.detect import detect
from consumers.order_exceptions.driver_data import NoticeRequest, build_notice
from consumers.order_exceptions.facts import exception_facts
from consumers.order_exceptions.policy import ExceptionPolicy
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext
from routing import DocumentDecision, ExceptionFacts, RoutingDecision, RuleSet

log = get_logger(__name__)


class DocumentRunner(Protocol):
    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome: ...


class OrderExceptionsProcessor:
    """Implements the runtime's ``Processor[OrderSnapshotRecord]``."""

    def __init__(
        self,
        *,
        rules: RuleSet,
        policy: ExceptionPolicy,
        step: DocumentRunner,
        is_sent: Callable[[str], bool],
        erased: Callable[[str, str | None], bool] = lambda _store, _customer: False,
    ) -> None:
        self._rules = rules
        self._erased = erased
        self._policy = policy
        self._step = step
        self._is_sent = is_sent

    async def process(self, value: OrderSnapshotRecord, ctx: RecordContext) -> None:
        if value.deleted or value.order is None:
            log.info("order_exceptions.deleted", store_hash=value.store_hash, order_id=value.entity_id)
            return
        context = order_context(value)
        customer_id = context.snapshot.order.customer_id
        if self._erased(value.store_hash, str(customer_id) if customer_id else None):
            # the customer's data was erased (bcx erase, store/customer/deleted): nothing more is sent
            log.info(
                "order_exceptions.customer_erased", store_hash=value.store_hash, order_id=value.entity_id
            )
            return
        event = trigger(value)
        found = detect(context, event, waiting=self._policy.delays.statuses)
        decided = decide(self._rules, exception_facts(context, event, found), is_sent=self._is_sent)
        due = due_with_facts(found, decided)

        async def run(document: DocumentDecision) -> DocumentOutcome:
            exception = due[document.idempotency_key or ""][1]
            request = self._request(value, context, event, document, exception, decided)
            return await self._step.run(request, ctx)

        attempts = await attempt_all([d for d, _ in due.values()], run)
        log.info(
            "order_exceptions.processed",
            store_hash=value.store_hash,
            order_id=value.entity_id,
            status_id=context.snapshot.order.status_id,
            event_id=value.trigger.event_id,
            scope=value.trigger.scope,
            exceptions=[f"{f.kind}:{f.state}" for f in found],
            documents=attempts.outcomes,
        )
        attempts.raise_first()

    def _request(
        self,
        value: OrderSnapshotRecord,
        context: OrderContext,
        event: Trigger,
        document: DocumentDecision,
        exception: ExceptionFacts,
        decided: list[RoutingDecision],
    ) -> DocumentRequest:
        driver_data = mapped(
            lambda: build_notice(
                context,
                event,
                self._policy,
                NoticeRequest(
                    document_type=document.document_type,
                    exception=exception,
                    locale=document.locale,
                    channels=tuple(c.value for c in document.channels),
                    reference=document.idempotency_key,
                ),
            )
        )
        return order_request(value, context, document, driver_data, decided)
