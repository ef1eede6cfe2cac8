"""Money as customers read it: an amount in a currency, formatted for a locale, from a ``Decimal``.

Babel's CLDR data gives the symbols (``$`` at home, ``US$``/``CA$`` abroad), separators, grouping (Indian
``12,34,567.50``) and the symbol's place per locale. On top of Babel, and why:

- amounts are **rounded half-up** to the currency's ISO 4217 minor units before formatting, as BigCommerce
  rounds totals (Babel rounds half-even);
- CLDR's *currency spacing* rule (a letter symbol next to a digit gets a no-break space: ``BHD 1,234.500``,
  ``USD 5.00``) is applied, which Babel leaves out;
- the narrow no-break space (U+202F) CLDR uses in French grouping is written as U+00A0 so the text survives
  Windows-1252 PDF core fonts; a negative zero is written as zero.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, get_currency_precision, get_currency_symbol
from babel.numbers import format_percent as babel_percent

NBSP = "\u00a0"
_NARROW_NBSP = "\u202f"
_FALLBACK = "en"


@lru_cache(maxsize=256)
def babel_locale(tag: str) -> Locale:
    """``fr-CA``/``fr_ca`` → Babel's ``fr_CA``; its language, then English, when CLDR does not know it."""
    parts = tag.replace("-", "_").split("_")
    for candidate in ("_".join(parts), parts[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(_FALLBACK)


def latin(text: str) -> str:
    """CLDR's narrow no-break space as a no-break space (Windows-1252 has only the latter)."""
    return text.replace(_NARROW_NBSP, NBSP)


def minor_units(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (ISO 4217; 2 when unknown)."""
    return int(get_currency_precision(currency.upper()))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half-up to the currency's minor units."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def symbol(currency: str, locale: str) -> str:
    """The symbol a reader in ``locale`` expects for ``currency`` (the ISO code when CLDR has none)."""
    return str(get_currency_symbol(currency.upper(), babel_locale(locale)))


def format_number(amount: Decimal, digits: int, locale: str) -> str:
    """``amount`` with ``digits`` decimals and the locale's separators (no symbol), half-up rounded."""
    rounded = amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return latin(format_decimal(rounded, format=pattern, locale=babel_locale(locale)))


def _spaced(text: str, mark: str) -> str:
    """CLDR currency spacing: a no-break space between a letter-ending symbol and a digit (both sides)."""
    at = text.find(mark)
    if at < 0:
        return text
    before, after = text[:at], text[at + len(mark) :]
    if mark[-1:].isalpha() and after[:1].isdigit():
        after = NBSP + after
    if mark[:1].isalpha() and before[-1:].isdigit():
        before = before + NBSP
    return before + mark + after


def format_money(amount: Decimal, currency: str, locale: str, *, use_code: bool = False) -> str:
    """``amount`` in ``currency`` as ``locale`` writes it: ``$1,234.50``, ``1.234,50 €``, ``-£3.00``.

    ``use_code`` writes the ISO code instead of the symbol (``USD 1,234.50``, ``1.234,50 EUR``), the form
    cross-border documents and symbol-less fonts use.
    """
    code = currency.upper()
    where = babel_locale(locale)
    rounded = quantize(amount, code)
    if rounded == 0:
        rounded = abs(rounded)
    pattern = where.currency_formats["standard"].pattern
    if use_code:
        pattern = pattern.replace("¤", "¤¤")
    mark = code if use_code else symbol(code, locale)
    text = format_currency(rounded, code, format=pattern, locale=where, currency_digits=True)
    return latin(_spaced(text, mark))


def format_percent(rate: Decimal, locale: str) -> str:
    """A tax rate given in percent (``8.0000`` → ``8%``, ``20.5`` → ``20.5%``/``20,5 %``)."""
    fraction = rate.normalize() / 100
    text = babel_percent(fraction, locale=babel_locale(locale), decimal_quantization=False)
    return latin(text)
