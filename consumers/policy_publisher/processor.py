"""The consumer's work per record: a policy document is published onto its targets; a page or checkout
settings webhook re-checks the targets it touches for drift.

Work is serialised per process (policy records are few): a drift check must not see a page half-way through
this process's own publication. Before each decision the history is caught up from the topics, so
publications made by ``bcx policies`` or another instance count.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable

from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.policy_document import PolicyDocument
from bcx.contracts.policy_publication import PolicyPublication, TargetKind
from bcx.contracts.webhook_event import WebhookEvent
from bcx.logging import get_logger
from consumers.policy_publisher.catalogue import Catalogue
from consumers.policy_publisher.history import History
from consumers.policy_publisher.publisher import Emit, Publisher
from consumers.policy_publisher.targets import TargetRef, all_targets, targets_of
from consumers.runtime import RecordContext
from consumers.stream.errors import PermanentError

log = get_logger(__name__)

#: the channel webhooks that can change what a target serves (docs: webhooks/events/channels.mdx)
SCOPE = re.compile(
    r"^store/channel/(?P<channel>\d+)/(?P<what>page/(created|updated)|settings/checkout/updated)$"
)


def apply_history(history: History, records: list[object]) -> None:
    for record in records:
        if isinstance(record, PolicyDocument):
            history.add_document(record)
        elif isinstance(record, PolicyPublication):
            history.add_publication(record)


def touched(catalogue: Catalogue, history: History, event: WebhookEvent) -> list[TargetRef]:
    """The targets a channel webhook may have changed: the page it names, or the channel's checkout terms."""
    match = SCOPE.match(event.scope)
    if match is None:
        return []
    channel = int(match["channel"])
    refs = [r for r in all_targets(catalogue, event.store_hash) if r.channel == channel]
    if match["what"].startswith("settings"):
        return [r for r in refs if r.kind is TargetKind.CHECKOUT_TERMS]
    try:
        page_id = int(json.loads(event.data_json).get("page_id"))
    except (ValueError, TypeError, AttributeError):
        return []
    pages = [r for r in refs if r.kind is TargetKind.PAGE]
    return [
        r
        for r in pages
        if (last := history.last_serving(r.key)) and last.target and last.target.page_id == page_id
    ]


class PolicyPublisherProcessor:
    def __init__(
        self,
        *,
        catalogue: Catalogue,
        client_factory: Callable[[], BigCommerceClient],
        history: History,
        catch_up: Callable[[], list[object]],
        emit: Emit,
        actor: str,
    ) -> None:
        self._catalogue = catalogue
        self._client_factory = client_factory
        self._history = history
        self._catch_up = catch_up
        self._emit = emit
        self._actor = actor
        self._lock = asyncio.Lock()

    async def process(self, value: PolicyDocument | WebhookEvent, ctx: RecordContext) -> None:
        if isinstance(value, WebhookEvent) and SCOPE.match(value.scope) is None:
            return  # every other webhook: nothing to check, and no history read for it
        async with self._lock:
            apply_history(self._history, await asyncio.to_thread(self._catch_up))
            # a client per record: policy records are rare, and the runtime has no close hook for use cases
            async with self._client_factory() as client:
                publisher = Publisher(client, self._history, self._emit, actor=self._actor)
                if isinstance(value, PolicyDocument):
                    await self._publish(publisher, value)
                else:
                    await self._check(publisher, value)

    async def _publish(self, publisher: Publisher, doc: PolicyDocument) -> None:
        policy = next((p for p in self._catalogue.policies if p.id == doc.policy), None)
        if policy is None:
            raise PermanentError(
                f"policy {doc.policy!r} is not in the catalogue",
                error_class="data.unknown_policy",
                stage="publish",
            )
        self._history.add_document(doc)
        publications = await publisher.apply(doc, targets_of(policy, doc.store_hash))
        for publication in publications:
            target = publication.target
            log.info(
                "policy.publication",
                policy=doc.policy,
                version=doc.version,
                action=publication.action.value,
                channel=target.channel_id if target else None,
                url=target.url if target else None,
            )

    async def _check(self, publisher: Publisher, event: WebhookEvent) -> None:
        for ref in touched(self._catalogue, self._history, event):
            _, drift = await publisher.check(ref)
            if drift is not None:
                log.warning("policy.drift", policy=ref.policy.id, target=ref.describe())
