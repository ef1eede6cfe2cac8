"""Where a policy lands and what "the same text" means there. Pure.

A target is one place in one store: a page on a channel, a channel's checkout terms, or the terms on a
channel's open B2B invoices. Each has a *served hash*: for a page the sha256 of its body, for checkout terms
the sha256 of the terms fields bcx sets (enabled, type, link or text), for invoice terms the sha256 of the
``termsConditions`` text the invoices bcx covered carry (:func:`invoice_served_hash`). A publication
records the served hash it left behind, so comparing what BigCommerce serves now with the last publication
tells unchanged, drifted (edited by hand) and missing apart.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bcx.bigcommerce.models import Invoice
from bcx.bigcommerce.models.checkout import ChannelCheckoutSettings
from bcx.contracts.policy_document import PolicyDocument, content_hash
from bcx.contracts.policy_publication import PublicationTarget, TargetKind, target_key
from consumers.policy_publisher.catalogue import Catalogue, PageTarget, Policy

#: BigCommerce's spec lists no values for ``order_terms_and_conditions_type``; these name the two fields
TERMS_TYPE = {"link": "link", "text": "textarea"}


@dataclass(frozen=True)
class TargetRef:
    store_hash: str
    policy: Policy
    kind: TargetKind
    channel: int
    page: PageTarget | None = None
    mode: str = "link"

    @property
    def key(self) -> str:
        return target_key(self.store_hash, self.channel, self.kind, self.policy.id)

    def describe(self) -> str:
        if self.page is not None:
            return f"page {self.page.url} on channel {self.channel}"
        if self.kind is TargetKind.INVOICE_TERMS:
            return f"B2B invoice terms on channel {self.channel}"
        return f"checkout terms ({self.mode}) on channel {self.channel}"

    def record(self, page_id: int | None = None) -> PublicationTarget:
        return PublicationTarget(
            kind=self.kind,
            channel_id=self.channel,
            page_id=page_id,
            url=self.page.url if self.page else self.link,
        )

    @property
    def link(self) -> str | None:
        page = self.policy.page_on(self.channel)
        return page.url if self.mode == "link" and page is not None else None


def targets_of(policy: Policy, store_hash: str, channel: int | None = None) -> list[TargetRef]:
    """The policy's targets in a store; pages first, so a checkout link points at a page already written."""
    refs = [TargetRef(store_hash, policy, TargetKind.PAGE, p.channel, page=p) for p in policy.pages()]
    refs += [
        TargetRef(store_hash, policy, TargetKind.CHECKOUT_TERMS, t.channel, mode=t.mode)
        for t in policy.checkout_terms()
    ]
    refs += [
        TargetRef(store_hash, policy, TargetKind.INVOICE_TERMS, t.channel) for t in policy.invoice_terms()
    ]
    return [r for r in refs if channel is None or r.channel == channel]


def all_targets(catalogue: Catalogue, store_hash: str) -> list[TargetRef]:
    return [ref for policy in catalogue.policies for ref in targets_of(policy, store_hash)]


def plain_text(markup: str) -> str:
    """The policy's words without markup, for the checkout's terms textarea (a plain-text field)."""
    blocks = re.sub(r"</(p|h[1-6]|li|div|section)>", "\n", markup, flags=re.IGNORECASE)
    text = html.unescape(re.sub(r"<[^>]+>", "", blocks))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def desired_checkout(ref: TargetRef, doc: PolicyDocument) -> ChannelCheckoutSettings:
    """The terms fields a document asks for; every other checkout setting is left out (unchanged)."""
    if ref.mode == "link":
        return ChannelCheckoutSettings(
            is_order_terms_and_conditions_enabled=True,
            order_terms_and_conditions_type=TERMS_TYPE["link"],
            order_terms_and_conditions_link=ref.link or "",
        )
    return ChannelCheckoutSettings(
        is_order_terms_and_conditions_enabled=True,
        order_terms_and_conditions_type=TERMS_TYPE["text"],
        order_terms_and_conditions_textarea=plain_text(doc.html),
    )


def checkout_served_hash(ref: TargetRef, current: ChannelCheckoutSettings) -> str:
    """sha256 over the terms fields this target's mode sets, as BigCommerce serves them now."""
    fields = ["is_order_terms_and_conditions_enabled", "order_terms_and_conditions_type"]
    fields.append(
        "order_terms_and_conditions_link" if ref.mode == "link" else "order_terms_and_conditions_textarea"
    )
    values = {name: getattr(current, name) for name in fields}
    return content_hash(json.dumps(values, sort_keys=True))


def checkout_changes(
    desired: ChannelCheckoutSettings, current: ChannelCheckoutSettings
) -> ChannelCheckoutSettings:
    """Only the desired fields whose value differs: the PUT must not carry anything else."""
    wanted = desired.model_dump(exclude_none=True)
    return ChannelCheckoutSettings(**{k: v for k, v in wanted.items() if getattr(current, k) != v})


def page_served_hash(body: str | None) -> str:
    return content_hash(body or "")


def invoice_text(doc: PolicyDocument) -> str:
    """An invoice's ``termsConditions`` is plain text printed on the default invoice PDF."""
    return plain_text(doc.html)


def invoice_served_hash(
    invoices: Sequence[Invoice], last_hash: str | None, last_at: datetime | None
) -> str | None:
    """What the channel's open invoices serve, judged on those bcx covered (open when it last published):
    they all carry the last text → its hash; anything else → a hash of the texts found (drift). An invoice
    issued since carries the store's default text until the next publication, which is not a hand edit.
    Never published: the hash of the texts on all open invoices (None without invoices)."""
    covered = [i for i in invoices if last_at is None or i.created_at is None or i.created_at <= last_at]
    if last_hash is not None and not covered:
        return last_hash
    texts = sorted({i.terms_conditions for i in covered})
    if not texts:
        return None
    return content_hash(texts[0]) if len(texts) == 1 else content_hash(json.dumps(texts))
