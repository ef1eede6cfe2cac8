"""Webhooks: subscriptions (``/v3/hooks``), the admin view (``/v3/hooks/admin``), the callback envelope."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from bcx.bigcommerce.models.common import BcModel


class Webhook(BcModel):
    """``webhook_Full``: a subscription owned by the calling API account."""

    id: int
    client_id: str = ""
    store_hash: str = ""
    scope: str
    destination: str
    headers: dict[str, str] | None = None
    is_active: bool = True
    created_at: int = 0
    updated_at: int = 0


class WebhookInput(BcModel):
    """Body of ``POST /v3/hooks`` (scope and destination required) or ``PUT /v3/hooks/{id}``."""

    scope: str | None = None
    destination: str | None = None
    is_active: bool | None = None
    headers: dict[str, str] | None = None


class AdminHook(Webhook):
    """A ``hooks_list`` entry of ``/v3/hooks/admin`` with its delivery status."""

    status: Literal["inactive", "active", "deactivated"] | str = "active"


class BlockReason(BcModel):
    failure_description: str = ""
    count: int = 0
    timestamp: int = 0


class BlockedDomain(BcModel):
    destination: str
    time_left: int = 0
    reasons: list[BlockReason] = Field(default_factory=list)


class HooksAdmin(BcModel):
    """``GET /v3/hooks/admin``: notification emails, hooks with status, blocklisted domains."""

    emails: list[str] = Field(default_factory=list)
    hooks_list: list[AdminHook] = Field(default_factory=list)
    blocked_domains: list[BlockedDomain] = Field(default_factory=list)


class WebhookCallback(BcModel):
    """The body BigCommerce POSTs to a destination: ids only, ``data`` varies by scope family."""

    scope: str
    store_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    hash: str = ""
    created_at: int
    producer: str

    @field_validator("store_id", mode="before")
    @classmethod
    def _numeric_store_id(cls, value: Any) -> Any:
        # Older documentation shows store_id as a JSON number.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @property
    def store_hash(self) -> str:
        """The store hash from ``producer`` (``stores/{store_hash}``)."""
        return self.producer.removeprefix("stores/")
