"""Publishing a policy document onto its BigCommerce targets, idempotently, and noticing hand edits.

Per target (:mod:`consumers.policy_publisher.targets`), in this order:

1. BigCommerce already serves the document's text (same served hash) → ``UNCHANGED``, no write;
2. a normal publication of text the target served before and has replaced since (a replay, or a
   re-rendering of a version a rollback retired), or of a version older than one served → ``SUPERSEDED``;
3. BigCommerce serves other text than bcx's last publication (edited by hand) → ``REFUSED`` with the
   observed hash: a hand edit is restored only when asked (``bcx policies status --restore``);
4. otherwise write: create or update the page (found by the last publication's page id, else by URL),
   PUT only the checkout terms fields that differ (the endpoint overwrites whatever a body carries), or
   PUT ``termsConditions`` alone on each open B2B invoice of the channel whose text differs →
   ``PUBLISHED``; ``ROLLED_BACK`` / ``RESTORED`` when an operator asked for a kept version.

Invoice terms differ in one way: invoices issued since the last publication carry the store's default text,
so "unchanged" means no open invoice needs a write (not only an equal served hash), and republishing the
current text covers them.

Every decision is one :class:`PolicyPublication` (who, what, when, which version) handed to ``emit``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from bcx.bigcommerce.api.b2b import OPEN_INVOICE_STATUSES
from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.errors import NotFound
from bcx.bigcommerce.models import Invoice, Page, PageInput
from bcx.bigcommerce.models.checkout import ChannelCheckoutSettings
from bcx.contracts.policy_document import PolicyDocument, content_hash
from bcx.contracts.policy_publication import PolicyPublication, PublicationAction, TargetKind
from consumers.policy_publisher.history import History
from consumers.policy_publisher.targets import (
    TargetRef,
    checkout_changes,
    checkout_served_hash,
    desired_checkout,
    invoice_served_hash,
    invoice_text,
    page_served_hash,
)

Mode = Literal["publish", "rollback", "restore"]
Emit = Callable[[PolicyPublication], Awaitable[None]]
_WRITE_ACTION = {
    "publish": PublicationAction.PUBLISHED,
    "rollback": PublicationAction.ROLLED_BACK,
    "restore": PublicationAction.RESTORED,
}


@dataclass(frozen=True)
class Observation:
    """What BigCommerce serves on a target now, next to bcx's last publication there."""

    ref: TargetRef
    served_hash: str | None  # None: no page there
    last: PolicyPublication | None
    page: Page | None = None
    checkout: ChannelCheckoutSettings | None = None
    invoices: tuple[Invoice, ...] = ()

    @property
    def drifted(self) -> bool:
        return self.last is not None and self.served_hash != self.last.content_hash


class Publisher:
    def __init__(
        self,
        client: BigCommerceClient,
        history: History,
        emit: Emit,
        *,
        actor: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client = client
        self._history = history
        self._emit = emit
        self._actor = actor
        self._clock = clock

    async def observe(self, ref: TargetRef) -> Observation:
        last = self._history.last_serving(ref.key)
        if ref.kind is TargetKind.PAGE:
            page = await self._find_page(ref, last)
            served = page_served_hash(page.body) if page is not None else None
            return Observation(ref, served, last, page=page)
        if ref.kind is TargetKind.INVOICE_TERMS:
            invoices = await self._open_invoices(ref)
            last_hash, last_at = (last.content_hash, last.occurred_at) if last else (None, None)
            served = invoice_served_hash(invoices, last_hash, last_at)
            return Observation(ref, served, last, invoices=tuple(invoices))
        current = await self._client.get_channel_checkout_settings(ref.store_hash, ref.channel)
        return Observation(ref, checkout_served_hash(ref, current), last, checkout=current)

    async def _open_invoices(self, ref: TargetRef) -> list[Invoice]:
        """The channel's open and partially paid invoices, store-wide lists (249 a page) in the B2B budget."""
        found: list[Invoice] = []
        for status in OPEN_INVOICE_STATUSES:
            found += [
                invoice
                async for invoice in self._client.list_store_invoices(
                    ref.store_hash, status=status, channel_ids=(ref.channel,)
                )
                if invoice.channel_id in (None, ref.channel)
            ]
        return sorted(found, key=lambda invoice: invoice.id)

    async def _find_page(self, ref: TargetRef, last: PolicyPublication | None) -> Page | None:
        assert ref.page is not None
        if last is not None and last.target is not None and last.target.page_id is not None:
            try:
                return await self._client.get_page(ref.store_hash, last.target.page_id)
            except NotFound:
                pass  # deleted by hand: look it up by URL, else create it again
        pages = await self._client.list_pages(ref.store_hash, channel_id=ref.channel)
        return next((p for p in pages if p.url == ref.page.url), None)

    async def apply(
        self, doc: PolicyDocument, refs: list[TargetRef], mode: Mode = "publish"
    ) -> list[PolicyPublication]:
        return [await self._apply_one(doc, ref, mode) for ref in refs]

    async def _apply_one(self, doc: PolicyDocument, ref: TargetRef, mode: Mode) -> PolicyPublication:
        obs = await self.observe(ref)
        desired_hash = self.desired_hash(doc, ref)
        page_id = obs.page.id if obs.page is not None else None
        stale = self.stale_invoices(doc, obs)
        if not stale and (ref.kind is TargetKind.INVOICE_TERMS or obs.served_hash == desired_hash):
            return await self._record(doc, ref, PublicationAction.UNCHANGED, desired_hash, obs, page_id)
        covering = obs.served_hash == desired_hash  # only invoices issued since lack the current text
        if mode == "publish" and not covering and self._superseded(doc, ref, desired_hash):
            detail = "a newer or later-rendered version was published on this target"
            return await self._record(
                doc, ref, PublicationAction.SUPERSEDED, desired_hash, obs, page_id, detail
            )
        if mode == "publish" and obs.drifted:
            detail = (
                "BigCommerce serves text edited outside bcx; restore it with `bcx policies status --restore`"
            )
            return await self._record(doc, ref, PublicationAction.REFUSED, desired_hash, obs, page_id, detail)
        if ref.kind is TargetKind.PAGE:
            page_id = await self._write_page(doc, ref, obs.page)
        elif ref.kind is TargetKind.INVOICE_TERMS:
            for invoice in stale:  # one PUT each, paced by the client's B2B request budget
                await self._client.update_invoice_terms(ref.store_hash, invoice.id, invoice_text(doc))
        else:
            assert obs.checkout is not None
            changes = checkout_changes(desired_checkout(ref, doc), obs.checkout)
            await self._client.update_channel_checkout_settings(ref.store_hash, ref.channel, changes)
        return await self._record(doc, ref, _WRITE_ACTION[mode], desired_hash, obs, page_id)

    @staticmethod
    def stale_invoices(doc: PolicyDocument, obs: Observation) -> list[Invoice]:
        """The open invoices an invoice-terms target would write (empty for the other kinds)."""
        return [i for i in obs.invoices if i.terms_conditions != invoice_text(doc)]

    def desired_hash(self, doc: PolicyDocument, ref: TargetRef) -> str:
        if ref.kind is TargetKind.PAGE:
            return doc.content_hash
        if ref.kind is TargetKind.INVOICE_TERMS:
            return content_hash(invoice_text(doc))
        return checkout_served_hash(ref, desired_checkout(ref, doc))

    def _superseded(self, doc: PolicyDocument, ref: TargetRef, desired_hash: str) -> bool:
        """Its text was served here before and has been replaced since (a replay, or a re-rendering of a
        version a rollback retired), or a newer version was served since."""
        return any(
            served.document_id == doc.document_id
            or served.content_hash == desired_hash
            or (served.version or 0) > doc.version
            for served in self._history.serving(ref.key)
        )

    async def _write_page(self, doc: PolicyDocument, ref: TargetRef, page: Page | None) -> int:
        assert ref.page is not None
        if page is None:
            created = await self._client.create_page(
                ref.store_hash,
                PageInput(
                    type="page",
                    name=ref.page.name,
                    url=ref.page.url,
                    channel_id=ref.channel,
                    body=doc.html,
                    is_visible=True,
                ),
            )
            return created.id
        change = PageInput(body=doc.html, name=ref.page.name if page.name != ref.page.name else None)
        await self._client.update_page(ref.store_hash, page.id, change)
        return page.id

    async def check(self, ref: TargetRef) -> tuple[Observation, PolicyPublication | None]:
        """Drift on one target: a ``DRIFT_DETECTED`` publication (emitted) when BigCommerce serves other
        text than bcx's last publication, unless the same drift was reported last."""
        obs = await self.observe(ref)
        if not obs.drifted or obs.last is None:
            return obs, None
        previous = self._history.last(ref.key)
        if (
            previous is not None
            and previous.action is PublicationAction.DRIFT_DETECTED
            and previous.observed_hash == obs.served_hash
        ):
            return obs, None
        document = self._history.document(obs.last.document_id)
        what = "missing" if obs.served_hash is None else "edited outside bcx"
        detail = f"{ref.describe()} is {what}; last published version {obs.last.version}"
        page_id = obs.last.target.page_id if obs.last.target is not None else None
        action = PublicationAction.DRIFT_DETECTED
        publication = self._publication(document, ref, action, obs.last.content_hash, obs, page_id, detail)
        await self._emit(publication)
        return obs, publication

    async def _record(
        self,
        doc: PolicyDocument,
        ref: TargetRef,
        action: PublicationAction,
        content_hash: str,
        obs: Observation,
        page_id: int | None,
        detail: str | None = None,
    ) -> PolicyPublication:
        publication = self._publication(doc, ref, action, content_hash, obs, page_id, detail)
        await self._emit(publication)
        return publication

    def _publication(
        self,
        doc: PolicyDocument | None,
        ref: TargetRef,
        action: PublicationAction,
        content_hash: str | None,
        obs: Observation,
        page_id: int | None,
        detail: str | None,
    ) -> PolicyPublication:
        last = obs.last
        return PolicyPublication(
            publication_id=str(uuid.uuid4()),
            occurred_at=self._clock(),
            action=action,
            actor=self._actor,
            store_hash=ref.store_hash,
            policy=ref.policy.id,
            region=ref.policy.region,
            locale=ref.policy.locale,
            version=doc.version if doc else (last.version if last else None),
            content_hash=content_hash,
            approval_reference=doc.approval_reference if doc else (last.approval_reference if last else None),
            target=ref.record(page_id),
            previous_version=last.version if last else None,
            observed_hash=obs.served_hash if action is not PublicationAction.UNCHANGED else None,
            detail=detail,
            document_id=doc.document_id if doc else (last.document_id if last else None),
        )
