"""Store information (``GET /v2/store``): identity, locale, currency and formatting of one store."""

from __future__ import annotations

from pydantic import Field

from bcx.bigcommerce.models.common import BcModel


class Timezone(BcModel):
    name: str = "UTC"
    raw_offset: int = 0
    dst_offset: int = 0
    dst_correction: bool = False


class StoreInformation(BcModel):
    """``id`` is the store hash; ``store_id`` the numeric id webhooks carry as ``store_id``."""

    id: str
    store_id: int | None = None
    name: str = ""
    domain: str = ""
    secure_url: str = ""
    address: str = ""
    country: str = ""
    country_code: str = ""
    phone: str = ""
    admin_email: str = ""
    order_email: str = ""
    language: str = "en"
    currency: str = "USD"
    currency_symbol: str = "$"
    decimal_separator: str = "."
    thousands_separator: str = ","
    decimal_places: int = 2
    currency_symbol_location: str = "left"
    weight_units: str = ""
    dimension_units: str = ""
    plan_name: str = ""
    is_price_entered_with_tax: bool = False
    default_channel_id: int = 1
    timezone: Timezone = Timezone()
    features: dict[str, object] = Field(default_factory=dict)
