"""Building input events for the enricher's tests (as the webhook bridge would publish them)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from bcx.contracts.webhook_event import WebhookAuthentication, WebhookEvent


def event(
    scope: str,
    data: dict[str, Any],
    *,
    store_hash: str = "simstore1",
    created_at: datetime | None = None,
    event_id: str | None = None,
) -> WebhookEvent:
    resource_type = str(data.get("type") or scope.split("/")[1])
    resource_id = str(data.get("id") or data.get("company_id") or data.get("order_id") or "0")
    now = datetime.now(UTC)
    return WebhookEvent(
        event_id=event_id or f"msg_{uuid.uuid4().hex}",
        store_hash=store_hash,
        store_id="1000001",
        producer=f"stores/{store_hash}",
        scope=scope,
        resource_type=resource_type,
        resource_id=resource_id,
        data_json=json.dumps(data, separators=(",", ":")),
        hash=None,
        created_at=created_at or now,
        received_at=now,
        authentication=WebhookAuthentication.SHARED_SECRET,
    )
