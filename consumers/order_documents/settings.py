"""Settings of the order-documents use case, beyond the runtime's (``BCX_BIGCOMMERCE__*``,
``BCX_ORDER_DOCUMENTS__*``); loaded once when ``bcx consume order-documents`` builds the use case."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bcx.bigcommerce.settings import BigCommerceSettings
from bcx.settings import ProcessSettings


class OrderDocumentsConfig(BaseModel):
    """``BCX_ORDER_DOCUMENTS__*``: the rule file and how long store/customer look-ups are cached."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules_path: Path | None = Field(default=None, description="routing rules; None = routing's default.yaml")
    lookup_ttl_s: float = Field(default=600.0, gt=0, description="cache of store info and customers")
    customer_lookups: bool = Field(
        default=True, description="read customer preferences (3 API calls per customer and TTL)"
    )


class OrderDocumentsSettings(ProcessSettings):
    """The BigCommerce stores (for store identity and customer preferences) and the use case's options."""

    bigcommerce: BigCommerceSettings = BigCommerceSettings()
    order_documents: OrderDocumentsConfig = OrderDocumentsConfig()
