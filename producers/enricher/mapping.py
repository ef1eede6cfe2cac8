"""BigCommerce API snapshots → ``commerce.*`` records, with their version, digest and id. Pure.

:class:`Envelope` carries what the enricher knows besides the entity (store, trigger, read time); each
``*_record`` function adds the entity, derives ``date_modified`` (the snapshot version), the content digest
(SHA-256 of the entity part's canonical JSON) and the deterministic ``snapshot_id``.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bcx.bigcommerce.models import Cart as ApiCart
from bcx.bigcommerce.models import CompanySnapshot, CustomerSnapshot, OrderSnapshot, ProductSnapshot
from bcx.bigcommerce.models import Refund as ApiRefund
from bcx.contracts import commerce_accounts as acc
from bcx.contracts import commerce_carts as carts
from bcx.contracts import commerce_customers as cust
from bcx.contracts import commerce_orders as orders
from bcx.contracts import commerce_products as prod
from bcx.contracts import commerce_refunds as refunds
from bcx.contracts.commerce_common import SnapshotEnvelope, Trigger
from bcx.contracts.commerce_profiles import CustomerProfile, StoreProfile
from bcx.contracts.webhook_event import WebhookEvent
from producers.enricher.plan import status_transition
from producers.enricher.profile_mapping import refunded_lines
from producers.enricher.to_contract import accounts as to_acc
from producers.enricher.to_contract import carts as to_carts
from producers.enricher.to_contract import customers as to_cust
from producers.enricher.to_contract import orders as to_orders
from producers.enricher.to_contract import products as to_prod

_SNAPSHOT_NAMESPACE = uuid.UUID("5b0e3c52-7f4d-4d8e-9a7e-0d6f3e1c2b44")
_ENVELOPE_FIELDS = frozenset(SnapshotEnvelope.model_fields)


@dataclass(frozen=True)
class Context:
    """What a snapshot carries besides its entity: the store's and the customer's profiles, and (orders)
    the catalogue categories of each product id."""

    store: StoreProfile | None = None
    customer: CustomerProfile | None = None
    categories: dict[int, list[int]] | None = None


@dataclass(frozen=True)
class Envelope:
    store_hash: str
    entity_type: str
    entity_id: str
    fetched_at: datetime
    trigger: Trigger
    producer_version: str


def trigger_of(
    event: WebhookEvent,
    *,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    reconciliation: bool = False,
) -> Trigger:
    previous, new = status_transition(event)
    return Trigger(
        event_id=event.event_id,
        scope=event.scope,
        resource_type=event.resource_type,
        resource_id=event.resource_id,
        created_at=event.created_at,
        previous_status_id=previous,
        new_status_id=new,
        data_json=event.data_json,
        reconciliation=reconciliation,
        source_topic=topic,
        source_partition=partition,
        source_offset=offset,
    )


def _finish(
    model: type[SnapshotEnvelope],
    env: Envelope,
    *,
    date_modified: datetime | None,
    deleted: bool,
    body: dict[str, Any],
) -> SnapshotEnvelope:
    record = model.model_validate(
        {
            "snapshot_id": "",
            "store_hash": env.store_hash,
            "entity_type": env.entity_type,
            "entity_id": env.entity_id,
            "date_modified": date_modified,
            "deleted": deleted,
            "fetched_at": env.fetched_at,
            "content_digest": "",
            "trigger": env.trigger,
            "producer_version": env.producer_version,
            **body,
        }
    )
    entity = record.model_dump(mode="json", exclude=set(_ENVELOPE_FIELDS - {"deleted"}))
    digest = hashlib.sha256(json.dumps(entity, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    version = record.date_modified.isoformat() if record.date_modified else "-"
    snapshot_id = uuid.uuid5(_SNAPSHOT_NAMESPACE, f"{record.key}|{version}|{digest}")
    return record.model_copy(update={"content_digest": digest, "snapshot_id": str(snapshot_id)})


def order_record(
    env: Envelope, snapshot: OrderSnapshot | None, context: Context = Context()
) -> SnapshotEnvelope:
    """An order snapshot; ``None`` (not found) or an archived order (``is_deleted``) is ``deleted``."""
    if snapshot is None:
        return _finish(orders.OrderSnapshotRecord, env, date_modified=None, deleted=True, body={})
    categories = context.categories or {}
    body = {
        "order": to_orders.order(snapshot.order),
        "products": [to_orders.order_product(p, categories.get(p.product_id, [])) for p in snapshot.products],
        "shipping_addresses": [to_orders.shipping_address(a) for a in snapshot.shipping_addresses],
        "shipments": [to_orders.shipment(s) for s in snapshot.shipments],
        "coupons": [to_orders.order_coupon(c) for c in snapshot.coupons],
        "taxes": [to_orders.order_tax(t) for t in snapshot.taxes],
        "transactions": [to_orders.transaction(t) for t in snapshot.transactions],
        "refunds": [to_orders.refund(r) for r in snapshot.refunds],
        "store": context.store,
        "customer": context.customer,
    }
    return _finish(
        orders.OrderSnapshotRecord,
        env,
        date_modified=snapshot.order.date_modified,
        deleted=snapshot.order.is_deleted,
        body=body,
    )


def refund_record(
    env: Envelope,
    refund: ApiRefund | None,
    *,
    order_id: int,
    order: OrderSnapshot | None = None,
    context: Context = Context(),
) -> SnapshotEnvelope:
    """A refund with the lines it refunds, the order's payment method, customer and currency; immutable, so
    its version is its creation time."""
    currency = (order.order.default_currency_code or order.order.currency_code) if order else ""
    body: dict[str, Any] = {"order_id": order_id, "currency_code": currency}
    if refund is None:
        return _finish(refunds.RefundSnapshotRecord, env, date_modified=None, deleted=True, body=body)
    body["refund"] = to_orders.refund(refund)
    body["lines"] = refunded_lines(refund, order.products if order else [])
    body["payment_method"] = order.order.payment_method if order else ""
    body["customer"] = context.customer
    body["store"] = context.store
    return _finish(refunds.RefundSnapshotRecord, env, date_modified=refund.created, deleted=False, body=body)


def customer_record(env: Envelope, snapshot: CustomerSnapshot | None) -> SnapshotEnvelope:
    if snapshot is None:
        return _finish(cust.CustomerSnapshotRecord, env, date_modified=None, deleted=True, body={})
    body = {
        "customer": to_cust.customer(snapshot.customer),
        "group": to_cust.customer_group(snapshot.group) if snapshot.group else None,
        "attributes": dict(snapshot.attributes),
    }
    return _finish(
        cust.CustomerSnapshotRecord,
        env,
        date_modified=snapshot.customer.date_modified,
        deleted=False,
        body=body,
    )


def cart_record(
    env: Envelope, cart: ApiCart | None, *, abandoned: bool, context: Context = Context()
) -> SnapshotEnvelope:
    """A cart with its customer's profile and consent; converted and expired carts no longer exist and are
    ``deleted``."""
    if cart is None:
        return _finish(
            carts.CartSnapshotRecord, env, date_modified=None, deleted=True, body={"abandoned": abandoned}
        )
    customer = context.customer
    body = {
        "abandoned": abandoned,
        "cart": to_carts.cart(cart),
        "customer": customer,
        "accepts_abandoned_cart_emails": (
            customer.accepts_product_review_abandoned_cart_emails if customer is not None else None
        ),
    }
    return _finish(carts.CartSnapshotRecord, env, date_modified=cart.updated_time, deleted=False, body=body)


def product_record(env: Envelope, snapshot: ProductSnapshot | None) -> SnapshotEnvelope:
    if snapshot is None:
        return _finish(prod.ProductSnapshotRecord, env, date_modified=None, deleted=True, body={})
    product = snapshot.product
    body = {
        "product": to_prod.product(product),
        "price_records": [to_prod.price_list_record(r) for r in snapshot.price_records],
    }
    return _finish(
        prod.ProductSnapshotRecord, env, date_modified=product.date_modified, deleted=False, body=body
    )


def account_record(env: Envelope, snapshot: CompanySnapshot | None) -> SnapshotEnvelope:
    if snapshot is None:
        return _finish(acc.AccountSnapshotRecord, env, date_modified=None, deleted=True, body={})
    body = {
        "company": to_acc.company(snapshot.company),
        "credit": to_acc.company_credit(snapshot.credit) if snapshot.credit else None,
        "payment_terms": to_acc.payment_terms(snapshot.payment_terms) if snapshot.payment_terms else None,
        "invoices": [to_acc.invoice(i) for i in snapshot.invoices],
        "users": [to_acc.company_user(u) for u in snapshot.users],
    }
    return _finish(
        acc.AccountSnapshotRecord,
        env,
        date_modified=snapshot.company.updated_at,
        deleted=False,
        body=body,
    )
