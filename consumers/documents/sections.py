"""Sections every document shows whatever its flow: postal address blocks written the way the address's
country writes them, and the seller (store) section. Pure functions to JSON-ready dicts (camelCase keys,
as Exstream driver data usually are)."""

from __future__ import annotations

from typing import Any

from bcx.bigcommerce.models import StoreInformation
from bcx.bigcommerce.models.orders import Address

#: countries that write "City, State ZIP" on one line (others write "ZIP City" and the region apart)
_CITY_FIRST = frozenset({"US", "CA", "AU", "PR"})
_CITY_THEN_POSTCODE_LINES = frozenset({"GB", "IE"})
#: countries whose postal addresses do not carry the state or region
_REGION_NOT_WRITTEN = frozenset(
    {"DE", "FR", "NL", "AT", "CH", "BE", "LU", "DK", "SE", "NO", "FI", "PL", "CZ", "PT"}
)


def address_lines(address: Address, home_country: str) -> list[str]:
    """Postal lines of ``address`` (without name and company); the country only when it is abroad."""
    country = address.country_iso2.upper()
    lines = [line for line in (address.street_1, address.street_2) if line.strip()]
    if country in _CITY_FIRST:
        locality = ", ".join(p for p in (address.city, f"{address.state} {address.zip}".strip()) if p)
        lines.append(locality)
    elif country in _CITY_THEN_POSTCODE_LINES:
        lines.extend(p for p in (address.city, address.zip) if p)
    else:
        lines.append(" ".join(p for p in (address.zip, address.city) if p))
        if address.state and address.state != address.city and country not in _REGION_NOT_WRITTEN:
            lines.append(address.state)
    if address.country and country != home_country.upper():
        lines.append(address.country)
    return [line for line in lines if line.strip()]


def full_name(first: str, last: str) -> str:
    return " ".join(p for p in (first.strip(), last.strip()) if p)


def address_block(address: Address, home_country: str) -> dict[str, Any]:
    return {
        "name": full_name(address.first_name, address.last_name),
        "company": address.company,
        "lines": address_lines(address, home_country),
        "countryCode": address.country_iso2.upper(),
        "phone": address.phone,
        "email": address.email,
    }


def store_section(store: StoreInformation) -> dict[str, Any]:
    """The seller's identity and support contact (``GET /v2/store``)."""
    return {
        "name": store.name,
        "addressLines": [line.strip() for line in store.address.splitlines() if line.strip()],
        "country": store.country,
        "countryCode": store.country_code,
        "phone": store.phone,
        "email": store.order_email or store.admin_email,
        "url": store.secure_url or (f"https://{store.domain}" if store.domain else ""),
        "storeHash": store.id,
    }
