"""``commerce.returns.v1``: a return (RMA) as a connected returns service reports it — the public contract
for returns, which BigCommerce has no API for.

One record per state change of a return: requested → authorised → received → refunded/exchanged/rejected.
Produced by a returns service straight to Kafka, or posted to bcx's returns intake (``POST
/returns/v1``, docs/returns.md), which adds ``source``, ``received_at`` and ``event_id``. Keyed
``store_hash:return:return_id`` so every state of one return is on one partition, in order; ``updated_at``
is the version (a record not newer than one already handled changes nothing).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from bcx.contracts.avro_gen import SNAPSHOT_NAMESPACE, new_names, prose, record
from bcx.contracts.base import Record, UtcMillis
from bcx.contracts.commerce_common import DecimalText

TOPIC = "commerce.returns.v1"
ENTITY_TYPE = "return"


class ReturnState(StrEnum):
    """Where the return is: requested → authorised → received → refunded, exchanged or rejected."""

    REQUESTED = "requested"
    AUTHORISED = "authorised"
    RECEIVED = "received"
    REFUNDED = "refunded"
    EXCHANGED = "exchanged"
    REJECTED = "rejected"


class Resolution(StrEnum):
    """What the customer asked for: money back, another item, or store credit."""

    REFUND = "refund"
    EXCHANGE = "exchange"
    CREDIT = "credit"


class ReturnAddress(Record):
    """A postal address (the customer's, or the warehouse the parcel goes to)."""

    name: str = ""
    company: str = ""
    street_1: str = ""
    street_2: str = ""
    city: str = ""
    state: str = Field(default="", description="State or province as written on a label.")
    zip: str = ""
    country_iso2: str = Field(default="", description="ISO 3166-1 alpha-2, e.g. DE.")
    region: str = Field(default="", description="ISO 3166-2 subdivision when known, e.g. CA-QC.")


class ReturnLine(Record):
    """One order line being returned, with what the policy and the packing instructions need."""

    order_product_id: int = Field(description="The BigCommerce order line (order product id).")
    product_id: int = 0
    sku: str = ""
    name: str = ""
    quantity: int = Field(ge=1, description="Units returned.")
    category: str = Field(
        default="",
        description="The product's category as the returns policy names it (e.g. electronics, apparel, "
        "perishables); empty: the policy's default.",
    )
    product_type: str = Field(
        default="",
        description="Packing class (e.g. fragile, electronics, apparel, bulky); empty: standard packing.",
    )
    weight_grams: int = Field(default=0, ge=0, description="Shipping weight of the returned units, if known.")


class ExchangeLine(Record):
    """What the customer wants instead (exchanges only)."""

    product_id: int = 0
    sku: str = ""
    name: str = ""
    quantity: int = Field(default=1, ge=1)


class ReturnCustomer(Record):
    """Who returns: contact details for the letters and the label's sender address."""

    customer_id: int = Field(default=0, description="BigCommerce customer id; 0 for a guest order.")
    name: str = ""
    email: str = ""
    locale: str = Field(default="", description="BCP 47, e.g. fr-CA; empty: the store's default.")
    address: ReturnAddress = ReturnAddress()


class ReturnSubmission(Record):
    """One state of one return, as a returns service submits it to the intake (``POST /returns/v1``)."""

    return_id: str = Field(min_length=1, max_length=64, description="The returns service's id of the return.")
    store_hash: str = Field(min_length=1, max_length=64, description="The store (stores/{store_hash}).")
    order_id: int = Field(ge=1, description="The BigCommerce order the goods came from.")
    state: ReturnState
    resolution: Resolution
    reason_code: str = Field(
        min_length=1,
        max_length=64,
        description="Why the customer returns (damaged, defective, wrong_item, not_as_described, "
        "changed_mind, …); the policy's reasons say which ones waive the restocking fee.",
    )
    reason_text: str = Field(default="", description="The customer's own words, if any.")
    lines: list[ReturnLine] = Field(min_length=1)
    exchange_lines: list[ExchangeLine] = Field(
        default_factory=list, description="What the customer gets instead (resolution exchange)."
    )
    customer: ReturnCustomer = ReturnCustomer()
    rma_number: str = Field(
        default="", description="The service's RMA number; empty: bcx derives one from the return id."
    )
    return_address: ReturnAddress | None = Field(
        default=None, description="Where the parcel goes; null: the returns policy's address."
    )
    refund_amount: DecimalText | None = Field(default=None, description="Expected refund, if known.")
    currency_code: str = ""
    ordered_at: UtcMillis | None = Field(default=None, description="When the order was placed.")
    delivered_at: UtcMillis | None = Field(
        default=None, description="When the goods arrived; the return window counts from here when known."
    )
    requested_at: UtcMillis = Field(description="When the customer asked to return.")
    updated_at: UtcMillis = Field(description="When the return reached this state; the record's version.")
    rejection_reason: str = Field(default="", description="Why the service rejected it (state rejected).")

    @property
    def key(self) -> str:
        """``store_hash:return:return_id``: every state of one return on one partition, in order."""
        return f"{self.store_hash}:{ENTITY_TYPE}:{self.return_id}"

    @property
    def version(self) -> str:
        return self.updated_at.isoformat()

    def rma(self) -> str:
        """The RMA number: the service's, else ``RMA-`` and ten characters derived from store and return id
        (the same return always gets the same number, so a redelivered record prints the same label)."""
        if self.rma_number:
            return self.rma_number
        digest = hashlib.sha256(f"{self.store_hash}:{self.return_id}".encode()).hexdigest()
        return f"RMA-{digest[:10].upper()}"


class ReturnRecord(ReturnSubmission):
    """One state of one return."""

    source: str = Field(default="", description="Who submitted it (the intake's authenticated client).")
    received_at: UtcMillis | None = Field(default=None, description="When bcx's intake accepted it.")
    event_id: str = Field(
        default="",
        description="Deterministic id of this state (store, return, state, updated_at); the intake sets it.",
    )


def return_event_id(store_hash: str, return_id: str, state: str, updated_at: datetime) -> str:
    """The id of one state of one return: equal submissions get equal ids (the duplicate window)."""
    material = f"{store_hash}:{return_id}:{state}:{updated_at.isoformat()}"
    return "ret_" + hashlib.sha256(material.encode()).hexdigest()[:32]


def returns_schema() -> dict[str, Any]:
    """The Avro schema of ``commerce.returns.v1`` (``make schemas`` writes it), its doc this module's."""
    doc = f"{prose(__doc__ or '')} Money fields are exact decimal text. Timestamps are UTC."
    return dict(record(ReturnRecord, new_names(), namespace=SNAPSHOT_NAMESPACE, doc=doc))
