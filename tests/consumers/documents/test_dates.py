"""Dates in the store's timezone, written the locale's way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bcx.bigcommerce.models.store import Timezone
from consumers.documents.dates import (
    format_date,
    format_datetime,
    format_time,
    local_iso,
    store_zone,
)

MOMENT = datetime(2026, 3, 1, 3, 5, tzinfo=UTC)  # still 28 February in Chicago


class TestStoreZone:
    def test_iana_zone_wins(self) -> None:
        """A known IANA name gives that zone, with its daylight-saving rules."""
        zone = store_zone(Timezone(name="America/Chicago", raw_offset=-21600))
        assert datetime(2026, 7, 1, 12, tzinfo=UTC).astimezone(zone).utcoffset() == timedelta(hours=-5)

    def test_unknown_zone_falls_back_to_raw_offset(self) -> None:
        """An unknown zone name falls back to the fixed raw offset BigCommerce also sends."""
        zone = store_zone(Timezone(name="Mars/Olympus", raw_offset=3600))
        assert MOMENT.astimezone(zone).utcoffset() == timedelta(hours=1)


class TestFormatting:
    def test_date_is_the_local_calendar_day(self) -> None:
        """An instant after midnight UTC is still the previous day in a US store."""
        zone = store_zone(Timezone(name="America/Chicago"))
        assert format_date(MOMENT, zone, "en-US") == "February 28, 2026"
        assert local_iso(MOMENT, zone) == "2026-02-28T21:05:00-06:00"

    def test_languages_write_dates_their_way(self) -> None:
        """British, French, German, Spanish, Italian and Dutch day-month-year forms."""
        zone = UTC
        assert format_date(MOMENT, zone, "en-GB") == "1 March 2026"
        assert format_date(MOMENT, zone, "fr-CA") == "1er mars 2026"
        assert format_date(MOMENT, zone, "de") == "1. März 2026"
        assert format_date(MOMENT, zone, "es") == "1 de marzo de 2026"
        assert format_date(MOMENT, zone, "it") == "1 marzo 2026"
        assert format_date(MOMENT, zone, "nl") == "1 maart 2026"

    def test_every_cldr_language_has_its_month_names(self) -> None:
        """Polish, Swedish, Japanese and Portuguese documents get their own month names, not English ones."""
        assert format_date(MOMENT, UTC, "pl") == "1 marca 2026"
        assert format_date(MOMENT, UTC, "sv") == "1 mars 2026"
        assert format_date(MOMENT, UTC, "ja") == "2026年3月1日"
        assert format_date(MOMENT, UTC, "pt-BR") == "1 de março de 2026"
        assert format_date(MOMENT, UTC, "zz") == "March 1, 2026"

    def test_time_has_clock_and_zone(self) -> None:
        """US English uses a 12-hour clock; others 24 hours; the zone abbreviation follows."""
        zone = store_zone(Timezone(name="America/Chicago"))
        # CLDR separates AM/PM with a narrow no-break space, written as U+00A0 for Windows-1252 fonts
        assert format_time(MOMENT, zone, "en-US") == "9:05\u00a0PM CST"
        assert format_time(MOMENT, store_zone(Timezone(name="Europe/Berlin")), "de") == "04:05 CET"
        assert format_datetime(MOMENT, UTC, "en-GB") == "1 March 2026, 03:05 UTC"


class TestRoutingLocales:
    def test_every_supported_locale_writes_its_own_months(self) -> None:
        """Each locale the shipped rules support (and pl, sv, ja) names March in its own language."""
        from routing import load_rules

        locales = [*load_rules().locale_policy.supported, "pl", "sv", "ja"]
        for locale in locales:
            text = format_date(MOMENT, UTC, locale)
            assert ("March" in text) == locale.startswith("en"), (locale, text)
