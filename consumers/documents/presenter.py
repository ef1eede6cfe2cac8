"""How one document writes its values: one currency, one locale, the store's timezone.

Every money and date value of a flow's driver data goes through a :class:`Presenter`, so a document never
mixes locales and templates get both the raw value (to compute with) and the reader's form (to print).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal

from bcx.bigcommerce.models.store import Timezone
from consumers.documents import dates, money


@dataclass(frozen=True)
class Presenter:
    """Writes money and dates for one document: one currency, one locale, the store's timezone."""

    currency: str
    locale: str
    zone: tzinfo

    @classmethod
    def for_store(cls, currency: str, locale: str, timezone: Timezone) -> Presenter:
        return cls(currency.upper(), locale, dates.store_zone(timezone))

    def money(self, amount: Decimal, currency: str | None = None) -> dict[str, str]:
        """``{amount, currency, formatted, formattedCode}``; the amount is a string to keep every digit."""
        code = (currency or self.currency).upper()
        return {
            "amount": f"{money.quantize(amount, code):f}",
            "currency": code,
            "formatted": money.format_money(amount, code, self.locale),
            "formattedCode": money.format_money(amount, code, self.locale, use_code=True),
        }

    def negative(self, amount: Decimal) -> dict[str, str]:
        """A deduction (discount, coupon, credit) shown with a minus sign."""
        return self.money(-abs(amount))

    def percent(self, rate: Decimal) -> str:
        return money.format_percent(rate, self.locale)

    def date(self, moment: datetime | None) -> dict[str, str] | None:
        """``{iso, date, dateTime}`` in the store's timezone, or ``None`` when BigCommerce left it empty."""
        if moment is None:
            return None
        return {
            "iso": dates.local_iso(moment, self.zone),
            "date": dates.format_date(moment, self.zone, self.locale),
            "dateTime": dates.format_datetime(moment, self.zone, self.locale),
        }
