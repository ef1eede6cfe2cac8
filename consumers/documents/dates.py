"""Dates as customers read them: in the store's timezone, written the locale's way (Babel, CLDR).

BigCommerce stores instants in UTC; documents show the store's local time (``GET /v2/store`` ``timezone``:
an IANA ``name`` plus ``raw_offset``/``dst_offset`` seconds). The IANA zone wins when the system knows it;
otherwise the fixed ``raw_offset`` is used, so a document never fails for want of tz data.

Dates are CLDR's ``long`` form (``March 5, 2026``, ``5. März 2026``, ``5 marca 2026``, ``2026年3月5日``),
times its ``short`` form followed by the zone's abbreviation. One addition to CLDR: French writes the first
of the month as an ordinal (``1er mars 2026``), which CLDR's patterns cannot express.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time

from bcx.bigcommerce.models.store import Timezone
from consumers.documents.money import babel_locale, latin


def store_zone(zone: Timezone) -> tzinfo:
    """The store's timezone: its IANA zone when known, else the fixed ``raw_offset``."""
    try:
        return ZoneInfo(zone.name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(seconds=zone.raw_offset))


def format_date(moment: datetime, zone: tzinfo, locale: str) -> str:
    """The calendar date of ``moment`` in ``zone``: ``March 5, 2026`` (en-US), ``5. März 2026`` (de)."""
    local = moment.astimezone(zone)
    where = babel_locale(locale)
    text = latin(babel_date(local.date(), format="long", locale=where))
    if where.language == "fr" and local.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]
    return text


def format_time(moment: datetime, zone: tzinfo, locale: str) -> str:
    """Wall-clock time of ``moment`` in ``zone`` with its abbreviation: ``2:05 PM CST``, ``14:05 CET``."""
    local = moment.astimezone(zone)
    clock = latin(babel_time(local.time(), format="short", locale=babel_locale(locale)))
    return f"{clock} {local.tzname() or ''}".strip()


def format_datetime(moment: datetime, zone: tzinfo, locale: str) -> str:
    """Date and time together: ``March 5, 2026, 2:05 PM CST``."""
    return f"{format_date(moment, zone, locale)}, {format_time(moment, zone, locale)}"


def local_iso(moment: datetime, zone: tzinfo) -> str:
    """ISO 8601 in the store's timezone with its offset (what templates may reformat)."""
    return moment.astimezone(zone).isoformat()
