"""``marketing.contacts.v1`` and ``marketing.campaign-requests.v1``: the marketing flows' own records.

``marketing.contacts.v1`` (compacted) holds the marketing documents a customer received from retention and
catalogs inside the longest cap window: frequency caps count them across both flows before Exstream is
called. One record per document sent, keyed ``store_hash:customer_id:idempotency_key`` (a history of one
contact, so concurrent writers never overwrite each other); a customer's history is the union of the
records under ``store_hash:customer_id`` (records keyed ``store_hash:customer_id`` alone, each a whole
history, were written before and are read the same way); records past the window are tombstoned.
``marketing.campaign-requests.v1`` carries one request per campaign recipient (``bcx campaigns run``), keyed
``store_hash:customer_id``, consumed by the catalogs flow.
Timestamps are UTC.
"""

from __future__ import annotations

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis

CONTACTS_TOPIC = "marketing.contacts.v1"
REQUESTS_TOPIC = "marketing.campaign-requests.v1"


class Contact(Record):
    """One marketing document sent (GENERATED) to the customer."""

    at: UtcMillis
    use_case: str
    document_type: str
    idempotency_key: str
    cap_group: str = "marketing"


class ContactHistory(Record):
    """Marketing contacts of one customer, oldest first: one contact per record as written now."""

    store_hash: str
    customer_id: int
    contacts: list[Contact] = Field(default_factory=list)


class CampaignRequest(Record):
    """One recipient of one campaign run: the catalogs flow personalises and produces the document."""

    request_id: str = Field(description="campaign:run:customer; the same recipient of a run has one id.")
    store_hash: str
    customer_id: int
    campaign: str
    run_id: str
    requested_at: UtcMillis
    channel: str = Field(description="email or print")
    cap_group: str = "marketing"
    document_type: str = "product_catalog"
    product_ids: list[int] = Field(default_factory=list, description="The campaign's products for them.")
    price_list_id: int | None = None
    promotion: str = ""


def schemas() -> dict[str, dict[str, object]]:
    """Topic → Avro schema of the two topics, from the models."""
    import sys

    from bcx.contracts.avro_gen import new_names, prose, record

    doc = prose(sys.modules[__name__].__doc__ or "")
    return {
        CONTACTS_TOPIC: dict(record(ContactHistory, new_names(), namespace="io.bcx.marketing", doc=doc)),
        REQUESTS_TOPIC: dict(record(CampaignRequest, new_names(), namespace="io.bcx.marketing", doc=doc)),
    }
