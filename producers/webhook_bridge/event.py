"""Turning an accepted callback into the ``bigcommerce.webhooks.v1`` record. Pure."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from bcx.contracts.webhook_event import WebhookEvent
from producers.webhook_bridge.auth import Verdict
from producers.webhook_bridge.payload import Callback


def stable_event_id(callback: Callback) -> str:
    """A redelivery of the same callback gets the same id: a hash of producer, scope, hash, created_at, data.

    BigCommerce's ``hash`` alone may repeat across distinct events with equal data (e.g. two
    ``store/order/updated`` for one order), hence the scope and timestamp in the key. The data goes in
    too: a redelivery carries the same data, so it cannot split one event's ids, but it keeps two
    distinct events apart when a sender reuses ``hash`` or omits it.
    """
    material = "\x1f".join(
        (callback.producer, callback.scope, callback.hash or "", str(callback.created_at), callback.data_json)
    ).encode("utf-8")
    return "bc_" + hashlib.sha256(material).hexdigest()[:40]


def build_event(
    callback: Callback, verdict: Verdict, webhook_id: str | None, received_at: float
) -> WebhookEvent:
    """The record for ``callback``: event id from the (verified or presented) ``webhook-id`` or the hash."""
    return WebhookEvent(
        event_id=verdict.webhook_id or webhook_id or stable_event_id(callback),
        store_hash=callback.store_hash,
        store_id=callback.store_id,
        producer=callback.producer,
        scope=callback.scope,
        resource_type=callback.resource_type,
        resource_id=callback.resource_id,
        data_json=callback.data_json,
        hash=callback.hash,
        created_at=datetime.fromtimestamp(callback.created_at, UTC),
        received_at=datetime.fromtimestamp(received_at, UTC),
        authentication=verdict.method,
    )
