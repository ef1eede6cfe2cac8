"""Dates as customers read them: in the store's timezone, written the locale's way.

BigCommerce stores instants in UTC; documents show the store's local time (``GET /v2/store`` ``timezone``:
an IANA ``name`` plus ``raw_offset``/``dst_offset`` seconds). The IANA zone wins when the system knows it;
otherwise the fixed ``raw_offset`` is used, so a document never fails for want of tz data.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bcx.bigcommerce.models.store import Timezone

_MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "de": (
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ),
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
    "it": (
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
        "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
    ),
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ),
}  # fmt: skip

#: language → date pattern ({d} day, {m} month name, {y} year); en-US is handled separately
_DATE_PATTERNS: dict[str, str] = {
    "en": "{d} {m} {y}",
    "fr": "{d} {m} {y}",
    "de": "{d}. {m} {y}",
    "es": "{d} de {m} de {y}",
    "it": "{d} {m} {y}",
    "nl": "{d} {m} {y}",
}

#: regions whose English uses month-first dates and a 12-hour clock
_MONTH_FIRST = frozenset({"US", "PH", "PR"})


def store_zone(zone: Timezone) -> tzinfo:
    """The store's timezone: its IANA zone when known, else the fixed ``raw_offset``."""
    try:
        return ZoneInfo(zone.name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(seconds=zone.raw_offset))


def _language_region(locale: str) -> tuple[str, str | None]:
    parts = locale.replace("_", "-").split("-")
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    language = parts[0].lower()
    if language == "en" and region is None:
        region = "US"
    return language, region


def format_date(moment: datetime, zone: tzinfo, locale: str) -> str:
    """The calendar date of ``moment`` in ``zone``: ``March 5, 2026`` (en-US), ``5. März 2026`` (de)."""
    local = moment.astimezone(zone)
    language, region = _language_region(locale)
    months = _MONTHS.get(language, _MONTHS["en"])
    month = months[local.month - 1]
    if language == "en" and region in _MONTH_FIRST:
        return f"{month} {local.day}, {local.year}"
    day = "1er" if language == "fr" and local.day == 1 else str(local.day)
    return _DATE_PATTERNS.get(language, _DATE_PATTERNS["en"]).format(d=day, m=month, y=local.year)


def format_time(moment: datetime, zone: tzinfo, locale: str) -> str:
    """Wall-clock time of ``moment`` in ``zone`` with its abbreviation: ``2:05 PM CST``, ``14:05 CET``."""
    local = moment.astimezone(zone)
    language, region = _language_region(locale)
    abbreviation = local.tzname() or ""
    if language == "en" and region in _MONTH_FIRST:
        hour = local.hour % 12 or 12
        clock = f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
    else:
        clock = f"{local.hour:02d}:{local.minute:02d}"
    return f"{clock} {abbreviation}".strip()


def format_datetime(moment: datetime, zone: tzinfo, locale: str) -> str:
    """Date and time together: ``March 5, 2026, 2:05 PM CST``."""
    return f"{format_date(moment, zone, locale)}, {format_time(moment, zone, locale)}"


def local_iso(moment: datetime, zone: tzinfo) -> str:
    """ISO 8601 in the store's zone with its offset (what templates may reformat)."""
    return moment.astimezone(zone).isoformat()
