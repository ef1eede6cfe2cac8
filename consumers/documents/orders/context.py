"""What an order document is built from, and how its values are written for the reader.

:class:`OrderContext` is the order snapshot (``bcx.bigcommerce.models.OrderSnapshot``) plus the store
information and, for registered customers, the customer snapshot — everything read at one moment by the
enricher. :func:`presenter` gives the documents kit's ``Presenter`` for the order's transactional currency
and the store's timezone; every driver data value goes through it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from bcx.bigcommerce.models import CompanySnapshot, CustomerSnapshot, OrderSnapshot, StoreInformation
from consumers.documents.presenter import Presenter


class OrderContext(BaseModel):
    """One order as documents see it: the snapshot, the store it belongs to, its customer if registered."""

    model_config = ConfigDict(frozen=True)

    snapshot: OrderSnapshot
    store: StoreInformation
    customer: CustomerSnapshot | None = None
    #: the B2B Edition company the customer buys for, if any
    company: CompanySnapshot | None = None
    #: catalogue category ids per product id of the lines (as the enricher read them)
    categories: dict[int, tuple[int, ...]] = {}

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


def presenter(context: OrderContext, locale: str) -> Presenter:
    """The document kit's presenter for an order: its transactional currency, the store's timezone."""
    return Presenter.for_store(context.transactional_currency, locale, context.store.timezone)
