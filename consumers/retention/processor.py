"""The retention processor: a cart, product or trigger record → its candidates → the marketing sender."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bcx.contracts.commerce_carts import CartSnapshotRecord
from bcx.contracts.commerce_products import ProductSnapshotRecord
from bcx.contracts.marketing_contacts import CampaignRequest
from bcx.contracts.marketing_profiles import MarketingProfile
from bcx.logging import get_logger
from consumers.marketing.policy import MarketingPolicy
from consumers.marketing.sender import Candidate, MarketingSender
from consumers.retention.candidates import cart_letter, price_drop_letters, trigger_letter
from consumers.runtime import RecordContext

log = get_logger(__name__)

RetentionInput = CartSnapshotRecord | ProductSnapshotRecord | CampaignRequest


class RetentionProcessor:
    def __init__(
        self,
        *,
        sender: MarketingSender,
        policy: MarketingPolicy,
        profiles: Callable[[], Iterable[MarketingProfile]],
    ) -> None:
        self._sender = sender
        self._policy = policy
        self._profiles = profiles

    def candidates(self, value: RetentionInput) -> list[Candidate]:
        if isinstance(value, CartSnapshotRecord):
            letter = cart_letter(value)
            return [letter] if letter else []
        if isinstance(value, ProductSnapshotRecord):
            return price_drop_letters(value, self._profiles(), self._policy.triggers.price_drop_min_percent)
        return [trigger_letter(value)]

    async def process(self, value: RetentionInput, ctx: RecordContext) -> None:
        failures = []
        for candidate in self.candidates(value):
            try:
                sent = await self._sender.send(candidate, ctx)
            except Exception as exc:  # every candidate is attempted; the first failure is raised after
                failures.append(exc)
                continue
            log.info(
                "retention.processed",
                store_hash=candidate.store_hash,
                customer_id=candidate.customer_id,
                scope=candidate.facts.event.scope,
                rules=sent.rules,
                documents=sent.outcomes,
                suppressed=[s.reason for s in sent.suppressed],
                not_due=sent.not_due,
            )
        if failures:
            raise failures[0]
