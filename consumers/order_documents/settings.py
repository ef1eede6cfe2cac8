"""Settings of the order-documents use case, beyond the runtime's (``BCX_ORDER_DOCUMENTS__*``); loaded once
when ``bcx consume order-documents`` builds the use case. No BigCommerce settings: the order snapshots carry
the store and the customer, so this use case calls no BigCommerce API."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bcx.settings import ProcessSettings


class OrderDocumentsConfig(BaseModel):
    """``BCX_ORDER_DOCUMENTS__*``: the rule file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules_path: Path | None = Field(default=None, description="routing rules; None = routing's default.yaml")


class OrderDocumentsSettings(ProcessSettings):
    """The use case's options."""

    order_documents: OrderDocumentsConfig = OrderDocumentsConfig()
