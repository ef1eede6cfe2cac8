"""ISO 3166-2 subdivision codes from the state names BigCommerce stores on addresses.

BigCommerce addresses carry the state as its display name (``Texas``, ``Quebec``); routing rules speak ISO
3166-2 (``US-TX``, ``CA-QC``). Countries whose regions matter to rules are listed; elsewhere a two- or
three-letter state that already looks like a code is used as is, and anything else gives ``None``.
"""

from __future__ import annotations

import unicodedata

_US = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN",
    "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO",
    "montana": "MT", "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH",
    "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI",
    "south carolina": "SC", "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT",
    "vermont": "VT", "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
    "wyoming": "WY", "puerto rico": "PR",
}  # fmt: skip

_CA = {
    "alberta": "AB", "british columbia": "BC", "manitoba": "MB", "new brunswick": "NB",
    "newfoundland and labrador": "NL", "newfoundland": "NL", "nova scotia": "NS", "ontario": "ON",
    "prince edward island": "PE", "quebec": "QC", "saskatchewan": "SK", "northwest territories": "NT",
    "nunavut": "NU", "yukon": "YT",
}  # fmt: skip

_AU = {
    "australian capital territory": "ACT", "new south wales": "NSW", "northern territory": "NT",
    "queensland": "QLD", "south australia": "SA", "tasmania": "TAS", "victoria": "VIC",
    "western australia": "WA",
}  # fmt: skip

_BY_COUNTRY = {"US": _US, "CA": _CA, "AU": _AU}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip().lower()


def subdivision(country_iso2: str, state: str) -> str | None:
    """``US-TX`` for (``US``, ``Texas``), ``CA-QC`` for (``CA``, ``Québec``); ``None`` when unknown."""
    country = country_iso2.strip().upper()
    name = state.strip()
    if len(country) != 2 or not name:
        return None
    known = _BY_COUNTRY.get(country)
    if known is not None:
        plain = _plain(name)
        if plain in known:
            return f"{country}-{known[plain]}"
        if name.upper() in known.values():
            return f"{country}-{name.upper()}"
        return None
    if 1 < len(name) <= 3 and name.isalnum() and name.upper() == name:
        return f"{country}-{name}"
    return None
