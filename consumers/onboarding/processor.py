"""The onboarding processor: an order snapshot → its guides and warranty notices (one per product family),
a company snapshot → its welcome pack; each through the runtime's document step.

Orders of erased customers (``customers.erasures.v1``) are skipped; welcome packs go to a company, not a
customer. Routing decides (two-pass ``sent_keys`` evaluation from the documents kit): which families get
which guide, when (once shipped, or completed for digital goods), print or digital, which locale. Every due
document is attempted (its result carries the decision's explanation), then the first failure is raised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from bcx.contracts.commerce_accounts import AccountSnapshotRecord
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.document_result import Recipient
from bcx.logging import get_logger
from consumers.documents.due import attempt_all, decide, due_with_facts, mapped
from consumers.documents.explain import explain
from consumers.documents.orders.request import order_recipient
from consumers.documents.orders.snapshot import order_context, trigger
from consumers.onboarding.driver_data import OnboardingRequest, order_document, welcome_pack
from consumers.onboarding.facts import company_facts, order_onboarding_facts
from consumers.onboarding.policy import OnboardingPolicy
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext
from routing import DocumentDecision, RoutingFacts, RuleSet

log = get_logger(__name__)

Snapshot = OrderSnapshotRecord | AccountSnapshotRecord


class DocumentRunner(Protocol):
    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome: ...


class OnboardingProcessor:
    """Implements the runtime's ``Processor[OrderSnapshotRecord | AccountSnapshotRecord]``."""

    def __init__(
        self,
        *,
        rules: RuleSet,
        policy: OnboardingPolicy,
        step: DocumentRunner,
        is_sent: Callable[[str], bool],
        erased: Callable[[str, str | None], bool] = lambda _store, _customer: False,
    ) -> None:
        self._rules = rules
        self._erased = erased
        self._policy = policy
        self._step = step
        self._is_sent = is_sent

    async def process(self, value: Snapshot, ctx: RecordContext) -> None:
        if value.deleted:
            return
        event = trigger(value)
        if isinstance(value, AccountSnapshotRecord):
            if value.company is None:
                return
            facts = [company_facts(value, event)]
            recipient = Recipient(
                store_hash=value.store_hash,
                entity_type="company",
                entity_id=str(value.company.company_id),
            )

            def build(document: DocumentDecision, fact: RoutingFacts) -> dict[str, Any]:
                assert isinstance(value, AccountSnapshotRecord)
                return welcome_pack(value, self._request(document, None))
        else:
            if value.order is None:
                return
            context = order_context(value)
            order = context.snapshot.order
            if self._erased(value.store_hash, str(order.customer_id) if order.customer_id else None):
                # the customer's data was erased (bcx erase, store/customer/deleted): nothing more is sent
                log.info("onboarding.customer_erased", store_hash=value.store_hash, order_id=value.entity_id)
                return
            facts = order_onboarding_facts(context, event, self._policy)
            recipient = order_recipient(value.store_hash, context)

            def build(document: DocumentDecision, fact: RoutingFacts) -> dict[str, Any]:
                family = fact.products.family if fact.products else None
                return order_document(context, self._policy, self._request(document, family))

        decided = decide(self._rules, facts, is_sent=self._is_sent)
        due = due_with_facts(facts, decided)

        async def run(document: DocumentDecision) -> DocumentOutcome:
            driver_data = mapped(lambda: build(document, due[document.idempotency_key or ""][1]))
            request = DocumentRequest(
                decision=document,
                recipient=recipient,
                driver_data=driver_data,
                source_event_id=value.trigger.event_id,
                event_created_at=value.trigger.created_at,
                explanation=explain(decided, document),
            )
            return await self._step.run(request, ctx)

        attempts = await attempt_all([d for d, _ in due.values()], run)
        log.info(
            "onboarding.processed",
            store_hash=value.store_hash,
            entity_type=value.entity_type,
            entity_id=value.entity_id,
            event_id=value.trigger.event_id,
            scope=value.trigger.scope,
            documents=attempts.outcomes,
        )
        attempts.raise_first()

    @staticmethod
    def _request(document: DocumentDecision, family: str | None) -> OnboardingRequest:
        return OnboardingRequest(
            document_type=document.document_type,
            family=family,
            locale=document.locale,
            channels=tuple(c.value for c in document.channels),
            reference=document.idempotency_key,
        )
