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
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

from bcx.contracts.base import Record, UtcMillis


def _decimal(value: object) -> object:
    if isinstance(value, float):
        return Decimal(str(value))
    return value


#: an exact amount: :class:`Decimal` in Python, decimal text in Avro.
DecimalText = Annotated[Decimal, BeforeValidator(_decimal), PlainSerializer(str, return_type=str)]


class Trigger(Record):
    """The event that caused this snapshot (a webhook, or a synthetic reconciliation event)."""

    event_id: str
    scope: str
    resource_type: str
    resource_id: str
    created_at: UtcMillis
    previous_status_id: int | None = None
    new_status_id: int | None = None
    data_json: str = "{}"
    reconciliation: bool = False
    source_topic: str | None = None
    source_partition: int | None = None
    source_offset: int | None = None


class SnapshotEnvelope(Record):
    """Fields every snapshot record starts with."""

    snapshot_id: str
    store_hash: str
    entity_type: str
    entity_id: str
    date_modified: UtcMillis | None = None
    deleted: bool = False
    fetched_at: UtcMillis
    content_digest: str
    trigger: Trigger
    producer_version: str

    @property
    def key(self) -> str:
        """``store_hash:entity_type:entity_id``: all versions of one entity on one partition, in order."""
        return f"{self.store_hash}:{self.entity_type}:{self.entity_id}"
