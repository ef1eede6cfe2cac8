"""Order snapshot → Exstream driver data for the order confirmation, the invoice and the payment receipt.

One JSON object per document (camelCase, see ``docs/order-documents.md`` for the table): the shared
sections (store, customer, order, addresses, lines, coupons, taxes, shipping, totals, payment, currency)
plus one document-specific block (``confirmation``, ``invoice`` or ``receipt``), and the two top-level keys
the delivery step reads: ``email`` (recipient) and ``deliveryChannels`` (from the routing decision).
Money is in the order's transactional currency, formatted for the document's locale; dates are in the
store's timezone. Pure: the same snapshot and request always give the same driver data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from consumers.documents import money
from consumers.documents.orders.context import OrderContext, presenter
from consumers.documents.orders.payments import find_transaction
from consumers.documents.presenter import Presenter
from consumers.documents.sections import address_block, store_section
from consumers.order_documents.errors import DriverDataError
from consumers.order_documents.payments import (
    latest_payment,
    payment_section,
    totals_section,
    transaction_block,
)
from consumers.order_documents.sections import (
    coupons,
    customer_section,
    line_items,
    shipments,
    shipping_addresses,
    taxes,
)

ORDER_CONFIRMATION = "order_confirmation"
ORDER_INVOICE = "order_invoice"
PAYMENT_RECEIPT = "payment_receipt"


@dataclass(frozen=True)
class DocumentRequest:
    """What routing decided for one document: its type, locale, channels, idempotency key and version."""

    document_type: str
    locale: str = "en"
    channels: Sequence[str] = ()
    reference: str | None = None
    #: the document's version (for receipts: the payment transaction id)
    version: str | None = None


def invoice_number(order_id: int) -> str:
    """One invoice per order (routing's ``once`` version), numbered after it: ``INV-000250``."""
    return f"INV-{order_id:06d}"


def receipt_number(transaction_id: str) -> str:
    """One receipt per payment transaction: ``RCT-2501``."""
    return f"RCT-{transaction_id}"


def _rate(rate: Decimal) -> str:
    """An exchange rate without BigCommerce's trailing zeros: ``0.9200000000`` → ``0.92``."""
    return f"{rate.normalize():f}"


def _currency_section(context: OrderContext, show: Presenter) -> dict[str, Any]:
    order = context.snapshot.order
    code = context.transactional_currency
    section: dict[str, Any] = {
        "code": code,
        "symbol": money.symbol(code, show.locale),
        "decimals": money.minor_units(code),
        "storeCurrency": (order.store_default_currency_code or context.store.currency).upper(),
        "storeToTransactionalRate": _rate(order.store_default_to_transactional_exchange_rate or Decimal(1)),
        "display": None,
    }
    display = order.currency_code.upper()
    to_transactional = order.store_default_to_transactional_exchange_rate or Decimal(1)
    if display and display != code and to_transactional > 0 and order.currency_exchange_rate > 0:
        # amounts are transactional; display = store-currency amount × the display rate
        in_display = order.total_inc_tax / to_transactional * order.currency_exchange_rate
        section["display"] = {
            "code": display,
            "exchangeRate": _rate(order.currency_exchange_rate),
            "total": show.money(in_display, display),
        }
    return section


def _order_section(context: OrderContext, show: Presenter) -> dict[str, Any]:
    order = context.snapshot.order
    return {
        "id": order.id,
        "number": str(order.id),
        "statusId": order.status_id,
        "status": order.status,
        "placedAt": show.date(order.date_created),
        "modifiedAt": show.date(order.date_modified),
        "shippedAt": show.date(order.date_shipped),
        "itemCount": order.items_total,
        "itemsShipped": order.items_shipped,
        "isDigital": order.order_is_digital,
        "channelId": order.channel_id,
        "source": order.order_source,
        "customerMessage": order.customer_message,
    }


def _common(context: OrderContext, show: Presenter) -> dict[str, Any]:
    home = context.store.country_code
    return {
        "store": store_section(context.store),
        "customer": customer_section(context),
        "order": _order_section(context, show),
        "billingAddress": address_block(context.snapshot.order.billing_address, home),
        "shippingAddresses": shipping_addresses(context, show),
        "lines": line_items(context, show),
        "coupons": coupons(context, show),
        "taxes": taxes(context, show),
        "shipments": shipments(context, show),
        "totals": totals_section(context, show),
        "payment": payment_section(context, show),
        "currency": _currency_section(context, show),
    }


def _confirmation(context: OrderContext, show: Presenter, request: DocumentRequest) -> dict[str, Any]:
    order = context.snapshot.order
    return {
        "title": "Order confirmation",
        "number": str(order.id),
        "date": show.date(order.date_created),
        "block": "confirmation",
        "content": {"orderStatus": order.status, "isShipped": bool(context.snapshot.shipments)},
    }


def _invoice(context: OrderContext, show: Presenter, request: DocumentRequest) -> dict[str, Any]:
    order = context.snapshot.order
    paid = latest_payment(context)
    issued = paid.date_created if paid and paid.date_created else order.date_modified or order.date_created
    totals = totals_section(context, show)
    settled = Decimal(totals["balanceDue"]["amount"]) == 0
    return {
        "title": "Invoice",
        "number": invoice_number(order.id),
        "date": show.date(issued),
        "block": "invoice",
        "content": {
            "number": invoice_number(order.id),
            "issuedAt": show.date(issued),
            "orderNumber": str(order.id),
            "isSettled": settled,
            "paymentTerms": "Paid in full" if settled else "Payable on receipt",
            "balanceDue": totals["balanceDue"],
        },
    }


def _receipt(context: OrderContext, show: Presenter, request: DocumentRequest) -> dict[str, Any]:
    transaction = find_transaction(context, request.version) if request.version else latest_payment(context)
    if transaction is None:
        raise DriverDataError(
            f"order {context.snapshot.order.id} has no payment transaction {request.version!r} to receipt"
        )
    if transaction.status != "ok":
        raise DriverDataError(f"transaction {transaction.id} did not succeed; no receipt is issued for it")
    block = transaction_block(transaction, show)
    return {
        "title": "Payment receipt",
        "number": receipt_number(str(transaction.id)),
        "date": block["date"],
        "block": "receipt",
        "content": {"number": receipt_number(str(transaction.id)), "transaction": block},
    }


_DOCUMENTS: dict[str, Callable[[OrderContext, Presenter, DocumentRequest], dict[str, Any]]] = {
    ORDER_CONFIRMATION: _confirmation,
    ORDER_INVOICE: _invoice,
    PAYMENT_RECEIPT: _receipt,
}

DOCUMENT_TYPES = frozenset(_DOCUMENTS)


def build_driver_data(context: OrderContext, request: DocumentRequest) -> dict[str, Any]:
    """The driver data of ``request.document_type`` for this order (raises :class:`DriverDataError`)."""
    specific = _DOCUMENTS.get(request.document_type)
    if specific is None:
        raise DriverDataError(f"order documents cannot build a {request.document_type!r}")
    show = presenter(context, request.locale)
    document = specific(context, show, request)
    data = _common(context, show)
    customer = data["customer"]
    data[document.pop("block")] = document.pop("content")
    return {
        "documentType": request.document_type,
        "document": {
            **document,
            "locale": request.locale,
            "reference": request.reference,
        },
        "email": customer["email"] or data["billingAddress"]["email"],
        "deliveryChannels": [str(c) for c in request.channels],
        **data,
    }
