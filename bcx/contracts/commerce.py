"""The ``commerce.*`` snapshot topics, their record models and codecs, in one table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bcx.avro.codec import AvroCodec
from bcx.avro.schemas import load_schema
from bcx.contracts import (
    commerce_accounts,
    commerce_carts,
    commerce_customers,
    commerce_orders,
    commerce_products,
    commerce_refunds,
)
from bcx.contracts.commerce_accounts import AccountSnapshotRecord
from bcx.contracts.commerce_carts import CartSnapshotRecord
from bcx.contracts.commerce_common import SnapshotEnvelope
from bcx.contracts.commerce_customers import CustomerSnapshotRecord
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from bcx.contracts.commerce_products import ProductSnapshotRecord
from bcx.contracts.commerce_refunds import RefundSnapshotRecord

SnapshotRecord = (
    OrderSnapshotRecord
    | CustomerSnapshotRecord
    | CartSnapshotRecord
    | ProductSnapshotRecord
    | RefundSnapshotRecord
    | AccountSnapshotRecord
)


@dataclass(frozen=True)
class SnapshotTopic:
    """One snapshot stream: the entity type in its keys, its topic and its record model."""

    entity_type: str
    topic: str
    model: type[SnapshotEnvelope]


SNAPSHOT_TOPICS: dict[str, SnapshotTopic] = {
    module.ENTITY_TYPE: SnapshotTopic(module.ENTITY_TYPE, module.TOPIC, model)
    for module, model in (
        (commerce_orders, OrderSnapshotRecord),
        (commerce_customers, CustomerSnapshotRecord),
        (commerce_carts, CartSnapshotRecord),
        (commerce_products, ProductSnapshotRecord),
        (commerce_refunds, RefundSnapshotRecord),
        (commerce_accounts, AccountSnapshotRecord),
    )
}


def snapshot_codec(
    entity_type: str, registry: Any, *, auto_register: bool = True
) -> AvroCodec[SnapshotEnvelope]:
    """The codec of ``entity_type``'s snapshot topic (schema ``schemas/<topic>.avsc``)."""
    spec = SNAPSHOT_TOPICS[entity_type]
    return AvroCodec(spec.model, load_schema(spec.topic), registry, auto_register=auto_register)
