"""What every ``commerce.*`` snapshot shares: the envelope, the triggering event, money as decimal text.

A snapshot is the full current state of one BigCommerce entity, read by the enricher after a webhook (or a
reconciliation) named it. Keyed ``store_hash:entity_type:entity_id``; ``date_modified`` is the version
(BigCommerce's own modification time of the entity), so consumers can ignore a snapshot that is not newer
than one they already handled. ``deleted`` is true when the entity no longer exists; the entity fields are
then null/empty.

Money is an Avro ``string`` holding the exact decimal text (``"62.6793"``): BigCommerce amounts carry up to
four decimals and exchange rates more, so a fixed-scale Avro ``decimal`` would round some of them; the text
keeps every digit, every language parses it into its decimal type, and the pydantic models here expose it as
:class:`~decimal.Decimal`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import BeforeValidator, Field, PlainSerializer

from bcx.contracts.base import Record, UtcMillis


def _decimal(value: object) -> object:
    if isinstance(value, float):
        return Decimal(str(value))
    return value


#: an exact amount: :class:`Decimal` in Python, decimal text in Avro.
DecimalText = Annotated[Decimal, BeforeValidator(_decimal), PlainSerializer(str, return_type=str)]


class Trigger(Record):
    """The event that caused this snapshot (a webhook, or a synthetic reconciliation event)."""

    event_id: str = Field(
        description="event_id of the bigcommerce.webhooks.v1 record (or the deterministic id of a "
        "reconciliation event)."
    )
    scope: str = Field(description="Webhook scope, e.g. store/order/statusUpdated.")
    resource_type: str = Field(description="resource_type of the triggering event.")
    resource_id: str = Field(description="resource_id of the triggering event.")
    created_at: UtcMillis = Field(description="When BigCommerce says the event happened.")
    previous_status_id: int | None = Field(
        default=None, description="Order status before the change (store/order/statusUpdated only)."
    )
    new_status_id: int | None = Field(
        default=None,
        description="Order status the event announced (store/order/statusUpdated only); the snapshot's "
        "order.status_id is the current one.",
    )
    # no Avro default: Apicurio 3.3.3 refuses a schema holding the string default "{}" (DEVELOPERS.md)
    data_json: str = Field(
        default="{}",
        description="The event's data object verbatim as JSON text (refund id, cart recovery token, ...).",
        json_schema_extra={"avro_default": False},
    )
    reconciliation: bool = Field(
        default=False, description="True for synthetic events published by bcx reconcile."
    )
    source_topic: str | None = Field(
        default=None, description="Kafka coordinates of the triggering event record."
    )
    source_partition: int | None = None
    source_offset: int | None = None


class SnapshotEnvelope(Record):
    """Fields every snapshot record starts with.

    Each snapshot record class states its topic's Avro ``doc`` details: ``VERSION_DOC`` (what its
    ``date_modified`` is) and its key's entity type; :mod:`bcx.contracts.avro_gen` writes the schema.
    """

    #: the Avro doc of ``date_modified`` (each entity has its own version field)
    VERSION_DOC: ClassVar[str] = "Snapshot version."

    snapshot_id: str = Field(
        description="Deterministic id of this snapshot: a digest of the key, date_modified and "
        "content_digest; the same state published twice has the same id."
    )
    store_hash: str = Field(description="The store (stores/{store_hash}).")
    entity_type: str = Field(
        description="order, customer, cart, product, refund or company; the middle part of the key."
    )
    entity_id: str = Field(description="The entity's BigCommerce id as text (cart ids are UUIDs).")
    date_modified: UtcMillis | None = None
    deleted: bool = Field(
        default=False,
        description="True when the entity no longer exists in BigCommerce; the entity fields are then "
        "null or empty.",
    )
    fetched_at: UtcMillis = Field(description="When the enricher read the state from the BigCommerce API.")
    content_digest: str = Field(
        description="SHA-256 of the entity's canonical JSON: two snapshots with the same digest carry the "
        "same state."
    )
    trigger: Trigger = Field(description="The event that caused this snapshot.")
    producer_version: str = Field(description="Version of the bcx enricher that wrote the record.")

    @property
    def key(self) -> str:
        """``store_hash:entity_type:entity_id``: all versions of one entity on one partition, in order."""
        return f"{self.store_hash}:{self.entity_type}:{self.entity_id}"
