"""The money formatter (Babel/CLDR): minor units, symbols per locale, separators, grouping and sign."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consumers.documents.money import (
    NBSP,
    format_money,
    format_number,
    format_percent,
    minor_units,
    quantize,
    symbol,
)


class TestFormatMoney:
    @pytest.mark.parametrize(
        ("amount", "currency", "locale", "expected"),
        [
            ("1234.5", "USD", "en-US", "$1,234.50"),
            ("1234.5", "USD", "en", "$1,234.50"),
            ("1234.5", "EUR", "de-DE", f"1.234,50{NBSP}€"),
            ("1234.5", "EUR", "fr", f"1{NBSP}234,50{NBSP}€"),
            ("1234.5", "EUR", "nl", f"€{NBSP}1.234,50"),
            ("1234.5", "EUR", "en-IE", "€1,234.50"),
            ("1234.5", "GBP", "en-GB", "£1,234.50"),
            ("1234.5", "CAD", "en-US", "CA$1,234.50"),
            ("1234.5", "CAD", "fr-CA", f"1{NBSP}234,50{NBSP}$"),
            ("1234.5", "USD", "en-CA", "US$1,234.50"),
            # CLDR ja writes the full-width yen sign; half-up rounding (Babel alone would give 1,234)
            ("1234.5", "JPY", "ja-JP", "￥1,235"),
            ("1234.5", "BHD", "en", f"BHD{NBSP}1,234.500"),
            # CLDR 42+ groups Swiss German with an ASCII apostrophe (earlier CLDR: U+2019)
            ("1234.5", "CHF", "de-CH", f"CHF{NBSP}1'234.50"),
            ("1234.5", "XYZ", "en", f"XYZ{NBSP}1,234.50"),
            ("1234567.891", "USD", "en-US", "$1,234,567.89"),
            ("0.005", "USD", "en-US", "$0.01"),
            ("0", "EUR", "es", f"0,00{NBSP}€"),
            ("1234567.5", "INR", "en-IN", "₹12,34,567.50"),
            ("1234567.5", "EUR", "pt-PT", f"1{NBSP}234{NBSP}567,50{NBSP}€"),
            ("1234567.5", "EUR", "pt-BR", f"€{NBSP}1.234.567,50"),
            ("1234.5", "PLN", "pl", f"1{NBSP}234,50{NBSP}zł"),
            ("1234.5", "SEK", "sv", f"1{NBSP}234,50{NBSP}kr"),
        ],
    )
    def test_formats_amount_for_currency_and_locale(
        self, amount: str, currency: str, locale: str, expected: str
    ) -> None:
        """An amount is rounded to the currency's minor units and written with the locale's separators."""
        assert format_money(Decimal(amount), currency, locale) == expected

    def test_negative_amounts_lead_with_minus(self) -> None:
        """Deductions carry a minus before the symbol or number."""
        assert format_money(Decimal("-12.5"), "GBP", "en-GB") == "-£12.50"
        assert format_money(Decimal("-12.5"), "EUR", "de") == f"-12,50{NBSP}€"

    def test_tiny_negative_rounding_to_zero_has_no_minus(self) -> None:
        """A negative amount that rounds to zero is written as zero, never ``-0.00``."""
        assert format_money(Decimal("-0.001"), "USD", "en-US") == "$0.00"

    def test_code_form_uses_iso_code(self) -> None:
        """``use_code`` writes the ISO code, spaced from the number, in the locale's order."""
        assert format_money(Decimal("5"), "USD", "en-US", use_code=True) == f"USD{NBSP}5.00"
        assert format_money(Decimal("5"), "EUR", "de", use_code=True) == f"5,00{NBSP}EUR"

    def test_currency_code_case_is_ignored(self) -> None:
        """Lower-case currency codes (BigCommerce price lists use them) format like upper-case ones."""
        assert format_money(Decimal("1"), "eur", "en-IE") == "€1.00"

    def test_underscore_locales_are_understood(self) -> None:
        """``fr_CA`` is the same locale as ``fr-CA``."""
        assert format_money(Decimal("1"), "CAD", "fr_CA") == f"1,00{NBSP}$"

    @given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
    def test_number_round_trips(self, amount: Decimal) -> None:
        """Removing the grouping from an English number gives back the rounded amount."""
        text = format_number(amount, 2, "en")
        assert Decimal(text.replace(",", "")) == quantize(amount, "USD")


class TestHelpers:
    def test_minor_units_follow_iso_4217(self) -> None:
        """JPY has no minor unit, KWD three, unknown currencies two."""
        assert (minor_units("JPY"), minor_units("KWD"), minor_units("USD"), minor_units("QQQ")) == (
            0,
            3,
            2,
            2,
        )

    def test_symbol_is_local_only_at_home(self) -> None:
        """``$`` means the local dollar; abroad the unambiguous form is used."""
        assert symbol("USD", "en-US") == "$"
        assert symbol("USD", "en-CA") == "US$"
        assert symbol("USD", "en-AU") == "USD"  # CLDR en_AU
        assert symbol("AUD", "en-AU") == "$"
        assert symbol("EUR", "en-US") == "€"

    def test_unknown_locale_falls_back_to_its_language_then_english(self) -> None:
        """A region CLDR lacks uses its language's forms; an unknown language English's."""
        assert format_money(Decimal("1"), "EUR", "de-XX") == f"1,00{NBSP}€"
        assert format_money(Decimal("1"), "USD", "zz") == "$1.00"

    def test_percent_drops_trailing_zeros(self) -> None:
        """BigCommerce's ``8.0000`` rate reads ``8%``; fractional rates keep their digits."""
        assert format_percent(Decimal("8.0000"), "en") == "8%"
        assert format_percent(Decimal("20.5"), "fr") == f"20,5{NBSP}%"
        assert format_percent(Decimal("10"), "en") == "10%"
