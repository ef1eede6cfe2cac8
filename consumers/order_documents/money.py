"""Money as customers read it: an amount in a currency, formatted for a locale, from a ``Decimal``.

A deliberately small formatter (no ICU/Babel dependency) covering what order documents need:

- **minor units** per ISO 4217 (JPY 0, BHD 3, default 2), rounded half-up as BigCommerce rounds totals;
- **symbols** the CLDR way: the local form (``$``) where the locale's region is the currency's home (or the
  bare language's default region), an unambiguous form (``US$``, ``CA$``) elsewhere, the ISO code when no
  symbol is known;
- **patterns** per language (and a few regions): separators and whether the symbol leads or trails.

Non-breaking spaces are U+00A0 (Latin-1) so the text survives PDF core fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"

#: ISO 4217 minor units that are not 2.
_MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(("JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG", "RWF"), 0),
    **dict.fromkeys(("BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD"), 3),
}

#: currency → (local symbol, home regions where the local symbol is unambiguous, international symbol)
_SYMBOLS: dict[str, tuple[str, frozenset[str], str]] = {
    "USD": ("$", frozenset({"US", "PR", "EC", "SV"}), "US$"),
    "CAD": ("$", frozenset({"CA"}), "CA$"),
    "AUD": ("$", frozenset({"AU"}), "A$"),
    "NZD": ("$", frozenset({"NZ"}), "NZ$"),
    "MXN": ("$", frozenset({"MX"}), "MX$"),
    "SGD": ("$", frozenset({"SG"}), "SGD"),
    "HKD": ("$", frozenset({"HK"}), "HK$"),
    "BRL": ("R$", frozenset(), "R$"),
    "EUR": ("€", frozenset(), "€"),
    "GBP": ("£", frozenset(), "£"),
    "JPY": ("¥", frozenset({"JP"}), "JP¥"),
    "CNY": ("¥", frozenset({"CN"}), "CN¥"),
    "INR": ("₹", frozenset(), "₹"),
    "KRW": ("₩", frozenset(), "₩"),
    "CHF": ("CHF", frozenset(), "CHF"),
    "SEK": ("kr", frozenset({"SE"}), "SEK"),
    "NOK": ("kr", frozenset({"NO"}), "NOK"),
    "DKK": ("kr.", frozenset({"DK"}), "DKK"),
    "PLN": ("zł", frozenset({"PL"}), "PLN"),
    "CZK": ("Kč", frozenset({"CZ"}), "CZK"),
    "ZAR": ("R", frozenset({"ZA"}), "ZAR"),
}

#: the region a bare language tag implies for symbol choice (CLDR likely subtags)
_LIKELY_REGION: dict[str, str] = {
    "en": "US",
    "fr": "FR",
    "de": "DE",
    "es": "ES",
    "it": "IT",
    "nl": "NL",
    "ja": "JP",
    "sv": "SE",
    "da": "DK",
    "pl": "PL",
    "pt": "BR",
}


@dataclass(frozen=True)
class NumberPattern:
    """How one locale writes an amount: separators and the symbol's place (``{s}`` symbol, ``{n}`` number)."""

    decimal: str
    group: str
    pattern: str


_EN = NumberPattern(".", ",", "{s}{n}")
_PATTERNS: dict[str, NumberPattern] = {
    "en": _EN,
    "en-in": NumberPattern(".", ",", "{s}{n}"),
    "fr": NumberPattern(",", NBSP, "{n}" + NBSP + "{s}"),
    "fr-ch": NumberPattern(",", NBSP, "{n}" + NBSP + "{s}"),
    "de": NumberPattern(",", ".", "{n}" + NBSP + "{s}"),
    "de-ch": NumberPattern(".", "’", "{s}" + NBSP + "{n}"),
    "de-at": NumberPattern(",", NBSP, "{s}" + NBSP + "{n}"),
    "es": NumberPattern(",", ".", "{n}" + NBSP + "{s}"),
    "es-mx": NumberPattern(".", ",", "{s}{n}"),
    "es-us": NumberPattern(".", ",", "{s}{n}"),
    "it": NumberPattern(",", ".", "{n}" + NBSP + "{s}"),
    "nl": NumberPattern(",", ".", "{s}" + NBSP + "{n}"),
    "pt": NumberPattern(",", ".", "{s}" + NBSP + "{n}"),
    "sv": NumberPattern(",", NBSP, "{n}" + NBSP + "{s}"),
    "da": NumberPattern(",", ".", "{n}" + NBSP + "{s}"),
    "pl": NumberPattern(",", NBSP, "{n}" + NBSP + "{s}"),
    "ja": NumberPattern(".", ",", "{s}{n}"),
}


def minor_units(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (ISO 4217; 2 when unknown)."""
    return _MINOR_UNITS.get(currency.upper(), 2)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half-up to the currency's minor units."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def _split_locale(locale: str) -> tuple[str, str | None]:
    parts = locale.replace("_", "-").split("-")
    language = parts[0].lower() or "en"
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    return language, region


def symbol(currency: str, locale: str) -> str:
    """The symbol a reader in ``locale`` expects for ``currency`` (the ISO code when none is known)."""
    code = currency.upper()
    known = _SYMBOLS.get(code)
    if known is None:
        return code
    local, homes, international = known
    language, region = _split_locale(locale)
    region = region or _LIKELY_REGION.get(language)
    if not homes or region in homes:
        return local
    return international


def pattern(locale: str) -> NumberPattern:
    """The number pattern of ``locale``: exact tag, else its language, else English."""
    language, region = _split_locale(locale)
    if region is not None and f"{language}-{region.lower()}" in _PATTERNS:
        return _PATTERNS[f"{language}-{region.lower()}"]
    return _PATTERNS.get(language, _EN)


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    chunks = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(chunks)


def format_number(amount: Decimal, digits: int, locale: str) -> str:
    """``amount`` with ``digits`` decimals and the locale's separators (no symbol), half-up rounded."""
    shape = pattern(locale)
    rounded = amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    text = _group(whole, shape.group) + (shape.decimal + fraction if digits > 0 else "")
    return sign + text


def format_money(amount: Decimal, currency: str, locale: str, *, use_code: bool = False) -> str:
    """``amount`` in ``currency`` as ``locale`` writes it: ``$1,234.50``, ``1.234,50 €``, ``-£3.00``.

    ``use_code`` writes the ISO code instead of the symbol (``USD 1,234.50``, ``1.234,50 EUR``), the form
    cross-border documents and symbol-less fonts use.
    """
    code = currency.upper()
    shape = pattern(locale)
    number = format_number(abs(amount), minor_units(code), locale)
    mark = code if use_code else symbol(code, locale)
    spaced = shape.pattern
    if use_code or (mark[-1:].isalpha() and shape.pattern.startswith("{s}{n}")):
        spaced = shape.pattern.replace("{s}{n}", "{s}" + NBSP + "{n}")
    text = spaced.format(s=mark, n=number)
    negative = quantize(amount, code) < 0
    return "-" + text if negative else text


def format_percent(rate: Decimal, locale: str) -> str:
    """A tax rate given in percent (``8.0000`` → ``8%``, ``20.5`` → ``20.5%``/``20,5 %``)."""
    exponent = rate.normalize().as_tuple().exponent
    digits = max(0, -exponent) if isinstance(exponent, int) else 0
    number = format_number(rate, min(digits, 4), locale)
    language, _ = _split_locale(locale)
    return number + (NBSP + "%" if language in {"fr", "de", "sv", "da", "pl"} else "%")
