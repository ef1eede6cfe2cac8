"""``policies.publications.v1``: what bcx did with one policy document on one BigCommerce target.

A sibling of ``documents.results.v1`` rather than more of it: a publication has no customer recipient,
delivery channel or stored output, and its outcomes (unchanged, rolled back, drift) are not document
statuses — adding them to ``DocumentStatus`` would break every existing reader of that public contract.
"""

from __future__ import annotations

from enum import StrEnum

from bcx.contracts.base import Record, UtcMillis

TOPIC = "policies.publications.v1"


class PublicationAction(StrEnum):
    PUBLISHED = "PUBLISHED"
    UNCHANGED = "UNCHANGED"
    SUPERSEDED = "SUPERSEDED"
    ROLLED_BACK = "ROLLED_BACK"
    RESTORED = "RESTORED"
    DRIFT_DETECTED = "DRIFT_DETECTED"
    REFUSED = "REFUSED"


#: actions after which the target serves the publication's version and hash (UNCHANGED: it already did)
SERVING = frozenset(
    {
        PublicationAction.PUBLISHED,
        PublicationAction.UNCHANGED,
        PublicationAction.ROLLED_BACK,
        PublicationAction.RESTORED,
    }
)


class TargetKind(StrEnum):
    PAGE = "PAGE"
    CHECKOUT_TERMS = "CHECKOUT_TERMS"
    INVOICE_TERMS = "INVOICE_TERMS"


class PublicationTarget(Record):
    kind: TargetKind
    channel_id: int
    page_id: int | None = None
    url: str | None = None


class PolicyPublication(Record):
    publication_id: str
    occurred_at: UtcMillis
    action: PublicationAction
    actor: str
    store_hash: str
    policy: str
    region: str
    locale: str
    version: int | None = None
    content_hash: str | None = None
    approval_reference: str | None = None
    target: PublicationTarget | None = None
    previous_version: int | None = None
    observed_hash: str | None = None
    detail: str | None = None
    document_id: str | None = None

    @property
    def key(self) -> str:
        """The target key (one history per target); a refusal without target keys on the policy."""
        if self.target is None:
            return f"{self.store_hash}|-|-|{self.policy}|{self.region}|{self.locale}"
        return target_key(self.store_hash, self.target.channel_id, self.target.kind, self.policy)


def target_key(store_hash: str, channel_id: int, kind: TargetKind, policy: str) -> str:
    return f"{store_hash}|{channel_id}|{kind.value}|{policy}"
