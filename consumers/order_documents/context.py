"""What an order document is built from, and how its values are written for the reader.

:class:`OrderContext` is the order snapshot (``bcx.bigcommerce.models.OrderSnapshot``) plus the store
information and, for registered customers, the customer snapshot — everything read at one moment by the
enricher. :class:`Presenter` formats money in the order's transactional currency and dates in the store's
timezone for the document's locale; every driver data value goes through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from bcx.bigcommerce.models import CompanySnapshot, CustomerSnapshot, OrderSnapshot, StoreInformation
from consumers.order_documents import dates, money


class OrderContext(BaseModel):
    """One order as documents see it: the snapshot, the store it belongs to, its customer if registered."""

    model_config = ConfigDict(frozen=True)

    snapshot: OrderSnapshot
    store: StoreInformation
    customer: CustomerSnapshot | None = None
    #: the B2B Edition company the customer buys for, if any
    company: CompanySnapshot | None = None

    @property
    def transactional_currency(self) -> str:
        """The currency the shopper paid in (``default_currency_code``); BigCommerce says invoices use it."""
        order = self.snapshot.order
        return (order.default_currency_code or order.currency_code or self.store.currency).upper()


def extra(model: BaseModel, name: str, default: Any = None) -> Any:
    """A field BigCommerce sends that the client model keeps without declaring (``extra="allow"``)."""
    extras = model.model_extra or {}
    return extras.get(name, default)


def decimal_extra(model: BaseModel, name: str) -> Decimal:
    """An undeclared money field as ``Decimal`` (BigCommerce sends ``"1.5900"``), 0 when absent or blank."""
    value = extra(model, name)
    if value is None or value == "":
        return Decimal(0)
    return Decimal(str(value))


@dataclass(frozen=True)
class Presenter:
    """Writes money and dates for one document: one currency, one locale, the store's timezone."""

    currency: str
    locale: str
    zone: tzinfo

    @classmethod
    def for_context(cls, context: OrderContext, locale: str) -> Presenter:
        return cls(context.transactional_currency, locale, dates.store_zone(context.store.timezone))

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
