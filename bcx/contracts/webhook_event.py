"""``bigcommerce.webhooks.v1``: one accepted BigCommerce callback (ids only; see the .avsc docs)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from bcx.contracts.base import Record, UtcMillis

TOPIC = "bigcommerce.webhooks.v1"
#: scopes of synthetic events a bcx sweep publishes about something no BigCommerce webhook announces; the
#: event itself is the news, so the enricher publishes the snapshot even when the entity did not change
SWEEP_SCOPE_PREFIX = "bcx/sweep/"
#: ``bcx sweep delayed-orders``: ``data`` is ``{type: order, id, delay: <n>}``
DELAYED_ORDER_SCOPE = "bcx/sweep/order/delayed"


class WebhookAuthentication(StrEnum):
    SHARED_SECRET = "SHARED_SECRET"  # noqa: S105 - the name of a method, not a secret
    STANDARD_WEBHOOKS = "STANDARD_WEBHOOKS"
    BOTH = "BOTH"
    # a synthetic event from `bcx reconcile`: no callback was received; the API read is the authority
    RECONCILIATION = "RECONCILIATION"


class WebhookEvent(Record):
    event_id: str
    store_hash: str
    store_id: str | None = None
    producer: str
    scope: str
    resource_type: str
    resource_id: str
    data_json: str
    hash: str | None = None
    created_at: UtcMillis
    received_at: UtcMillis
    authentication: WebhookAuthentication

    @property
    def key(self) -> str:
        """``store_hash:resource_type:resource_id``: one resource's events stay on one partition, in order."""
        return f"{self.store_hash}:{self.resource_type}:{self.resource_id}"

    def data(self) -> dict[str, Any]:
        value = json.loads(self.data_json)
        return value if isinstance(value, dict) else {}
