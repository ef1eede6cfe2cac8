"""``customers.erasures.v1``: a customer whose personal data bcx erased; document flows stop for them."""

from __future__ import annotations

import hashlib

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis

TOPIC = "customers.erasures.v1"


class CustomerErasure(Record):
    subject: str
    store_hash: str
    requested_at: UtcMillis
    requested_by: str
    purged: dict[str, int] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.subject


def subject(store_hash: str, customer_id: str) -> str:
    """The erasure key of a customer: sha256 of ``store_hash:customer_id``, so no clear id is kept."""
    return hashlib.sha256(f"{store_hash}:{customer_id}".encode()).hexdigest()
