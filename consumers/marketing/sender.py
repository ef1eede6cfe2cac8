"""One marketing document candidate → routing → consent and pressure → the document step → contact.

Both marketing flows hand their candidates here. Per due document: the gate (:mod:`.pressure`) decides
*before* Exstream is called; a suppressed document is counted (``bcx_marketing_suppressed_total``) and
logged with its reason and explanation; a produced one is recorded in the contact history, which is what
the caps of both flows count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from bcx.contracts.document_result import Recipient
from bcx.contracts.marketing_contacts import Contact
from bcx.contracts.marketing_profiles import MarketingProfile
from bcx.logging import get_logger
from consumers.documents.due import attempt_all, decide, due_documents
from consumers.marketing.contacts import ContactLog
from consumers.marketing.facts import customer_facts
from consumers.marketing.metrics import MarketingMetrics
from consumers.marketing.policy import MarketingPolicy
from consumers.marketing.pressure import Kind, Suppression, check
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext
from routing import DocumentDecision, RoutingFacts, RuleSet

log = get_logger(__name__)


class Table(Protocol):
    def get(self, key: str) -> Any: ...

    async def put(self, key: str, row: Any) -> None: ...


class Step(Protocol):
    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome: ...


@dataclass(frozen=True)
class Candidate:
    """A marketing document a flow would like to send: routing facts without the customer, and the rest."""

    store_hash: str
    customer_id: int
    kind: Kind
    channel: str
    facts: RoutingFacts
    driver_data: Callable[[MarketingProfile], Mapping[str, Any]]
    source_event_id: str
    cap_group: str = "marketing"
    cart_id: str | None = None
    mode: Literal["on_demand", "batch"] = "on_demand"
    batch_input: str | None = None
    #: the profile to judge by while the customer's own record has not reached the profiles (a cart can
    #: come first: it carries its customer, the profile is folded by another group from another topic);
    #: given the profile as it stands, it returns it unchanged once that record is in
    provisional: Callable[[MarketingProfile | None], MarketingProfile | None] | None = None


@dataclass
class Sent:
    """What happened to a candidate's documents: ``type:done|skipped|suppressed:<reason>|failed``."""

    outcomes: list[str] = field(default_factory=list)
    suppressed: list[Suppression] = field(default_factory=list)
    #: documents routing matched but did not make due, with routing's reasons (already sent, no channel…)
    not_due: list[str] = field(default_factory=list)
    #: the rules that matched (none: no rule reacts to this record)
    rules: list[str] = field(default_factory=list)
    results: dict[str, DocumentOutcome] = field(default_factory=dict)


class MarketingSender:
    def __init__(
        self,
        *,
        use_case: str,
        rules: RuleSet,
        step: Step,
        profiles: Table,
        contacts: ContactLog,
        policy: MarketingPolicy,
        is_sent: Callable[[str], bool],
        now: Callable[[], datetime],
        metrics: MarketingMetrics | None = None,
        erased: Callable[[str, str | None], bool] | None = None,
    ) -> None:
        self.use_case = use_case
        self._rules = rules
        self._step = step
        self._profiles = profiles
        self._contacts = contacts
        self._policy = policy
        self._is_sent = is_sent
        self._now = now
        self._metrics = metrics
        self._erased = erased

    def profile(self, store_hash: str, customer_id: int) -> MarketingProfile | None:
        found: MarketingProfile | None = self._profiles.get(f"{store_hash}:{customer_id}")
        return found

    async def send(self, candidate: Candidate, ctx: RecordContext) -> Sent:
        key = f"{candidate.store_hash}:{candidate.customer_id}"
        profile = self.profile(candidate.store_hash, candidate.customer_id)
        if candidate.provisional is not None:
            profile = candidate.provisional(profile)
        sent = Sent()
        if self._erased is not None and self._erased(candidate.store_hash, str(candidate.customer_id)):
            self._suppress(candidate, None, Suppression("erased", "the customer was erased"), sent)
            return sent
        if profile is None:
            self._suppress(candidate, None, Suppression("no_profile", "no registered customer"), sent)
            return sent
        facts = candidate.facts.model_copy(
            update={"customer": customer_facts(profile, channel=candidate.channel, allowed=True)}
        )
        decided = decide(self._rules, [facts], is_sent=self._is_sent)
        due = due_documents(decided)
        sent.rules = sorted({r.rule for d in decided for r in d.matched_rules()})
        sent.not_due = [
            f"{doc.document_type}: "
            + "; ".join(s.reason for s in doc.suppressions if s.effect == "suppressed")
            for d in decided
            for doc in d.documents
            if not doc.due
        ]

        async def run(document: DocumentDecision) -> DocumentOutcome:
            # one check → send → record per customer at a time: the cap sees the contact just made
            async with self._contacts.serialised(key):
                history = self._contacts.history(key)
                refused = check(
                    profile,
                    history,
                    self._policy,
                    kind=candidate.kind,
                    channel=candidate.channel,
                    cap_group=candidate.cap_group,
                    now=self._now(),
                    key=document.idempotency_key,
                )
                if refused is not None:
                    self._suppress(candidate, document, refused, sent)
                    return DocumentOutcome(skipped=True, entry=None)
                outcome = await self._step.run(self._request(candidate, profile, document), ctx)
                assert document.idempotency_key is not None  # due documents have keys
                sent.results[document.document_type] = outcome
                contact = Contact(
                    at=self._now(),
                    use_case=self.use_case,
                    document_type=document.document_type,
                    idempotency_key=document.idempotency_key,
                    cap_group=candidate.cap_group,
                )
                await self._contacts.add(candidate.store_hash, candidate.customer_id, contact)
                if self._metrics is not None:
                    self._metrics.sent.labels(self.use_case, document.document_type).inc()
                return outcome

        attempts = await attempt_all(due, run)
        sent.outcomes.extend(attempts.outcomes)
        attempts.raise_first()
        return sent

    def _suppress(
        self, candidate: Candidate, document: DocumentDecision | None, why: Suppression, sent: Sent
    ) -> None:
        sent.suppressed.append(why)
        if self._metrics is not None:
            self._metrics.suppressed.labels(self.use_case, why.reason).inc()
        log.info(
            "marketing.suppressed",
            use_case=self.use_case,
            store_hash=candidate.store_hash,
            customer_id=candidate.customer_id,
            document_type=document.document_type if document else None,
            idempotency_key=document.idempotency_key if document else None,
            reason=why.reason,
            explanation=why.explanation,
        )

    def _request(
        self, candidate: Candidate, profile: MarketingProfile, document: DocumentDecision
    ) -> DocumentRequest:
        return DocumentRequest(
            decision=document,
            recipient=Recipient(
                store_hash=candidate.store_hash,
                customer_id=str(candidate.customer_id),
                entity_type=candidate.facts.entity_type,
                entity_id=candidate.facts.entity_id,
                cart_id=candidate.cart_id,
            ),
            driver_data=candidate.driver_data(profile),
            source_event_id=candidate.source_event_id,
            event_created_at=candidate.facts.event.occurred_at,
            mode=candidate.mode,
            batch_input=candidate.batch_input,
        )
