"""``exstream.policy-documents.v1``: one approved policy document rendered for a store, region, language."""

from __future__ import annotations

import hashlib

from bcx.contracts.base import Record, UtcMillis

TOPIC = "exstream.policy-documents.v1"


def content_hash(html: str) -> str:
    """sha256 (hex) of the UTF-8 text: the identity of a policy's wording."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


class PolicyDocument(Record):
    document_id: str
    store_hash: str
    policy: str
    kind: str
    version: int
    region: str
    locale: str
    content_hash: str
    approval_reference: str
    communication_id: str
    rendered_at: UtcMillis
    title: str
    html: str
    requested_by: str

    @property
    def key(self) -> str:
        return f"{self.store_hash}|{self.policy}|{self.region}|{self.locale}"
