"""Driver data of the returns documents (JSON-ready, camelCase as the Exstream templates read them). Pure.

- ``ReturnAuthorisationDriver``: RMA number, return address, packing instructions per product type, the
  deadline from the policy's window, the restocking fee;
- ``ReturnLabelDriver``: sender and recipient addresses, the RMA (printed as Code 128 and QR barcodes by
  the template), the weight class;
- ``ReturnRefusalDriver``: the reason (the policy's, or the returns service's rejection);
- ``ExchangeDriver``: what goes back, what comes instead;
- ``RefundDriver``: amount, tax, method, expected time to funds, the refunded lines (one per refund id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bcx.bigcommerce.models.orders import Address
from bcx.bigcommerce.models.store import Timezone
from bcx.contracts.commerce_refunds import RefundSnapshotRecord
from bcx.contracts.commerce_returns import ReturnAddress, ReturnRecord
from consumers.documents.presenter import Presenter
from consumers.documents.profiles import store_information
from consumers.documents.sections import address_block, full_name, store_section
from consumers.returns.errors import DriverDataError
from consumers.returns.guidance import packing_instructions, time_to_funds, weight_class
from routing import DocumentDecision, ReturnFacts
from routing.returns_policy import ReturnsPolicy


@dataclass(frozen=True)
class ReturnContext:
    """What every return document is built from: the record, the policy's verdict and the flow's config."""

    record: ReturnRecord
    verdict: ReturnFacts
    policy: ReturnsPolicy | None
    default_return_address: ReturnAddress | None
    support_email: str


def _address(address: ReturnAddress) -> Address:
    return Address(
        first_name=address.name,
        company=address.company,
        street_1=address.street_1,
        street_2=address.street_2,
        city=address.city,
        state=address.state,
        zip=address.zip,
        # the kit writes the country only when it differs from the destination's: a cross-border label
        # must name it, and the contract carries the ISO code only
        country=address.country_iso2.upper(),
        country_iso2=address.country_iso2,
    )


def _document(decision: DocumentDecision, presenter: Presenter, when: Any) -> dict[str, Any]:
    return {
        "type": decision.document_type,
        "locale": decision.locale,
        "reference": decision.idempotency_key,
        "date": presenter.date(when),
    }


def _presenter(currency: str, locale: str) -> Presenter:
    return Presenter.for_store(currency or "USD", locale, Timezone())


def _reason_label(ctx: ReturnContext) -> str:
    reason = ctx.policy.reasons.get(ctx.record.reason_code) if ctx.policy else None
    return reason.label if reason else ctx.record.reason_code.replace("_", " ").capitalize()


def return_driver_data(ctx: ReturnContext, decision: DocumentDecision) -> dict[str, Any]:
    """The driver data of one return document (authorisation, label, refusal or exchange)."""
    record = ctx.record
    presenter = _presenter(record.currency_code, decision.locale)
    destination = record.return_address or ctx.default_return_address
    if destination is None:
        raise DriverDataError(
            f"return {record.return_id} names no return address and BCX_RETURNS__RETURN_ADDRESS is not set"
        )
    home = destination.country_iso2 or "US"
    sender = _address(record.customer.address)
    grams = sum(line.weight_grams for line in record.lines)
    data: dict[str, Any] = {
        "document": _document(decision, presenter, record.updated_at),
        "store": {
            "name": destination.company or record.store_hash,
            "email": ctx.support_email,
            "addressLines": [destination.company, *address_block(_address(destination), home)["lines"]],
            "storeHash": record.store_hash,
        },
        "customer": {"name": record.customer.name, "email": record.customer.email},
        "rma": {"number": record.rma()},
        "return": {
            "id": record.return_id,
            "orderNumber": str(record.order_id),
            "state": record.state.value,
            "resolution": record.resolution.value,
            "reason": {"code": record.reason_code, "label": _reason_label(ctx), "text": record.reason_text},
            "requestedAt": presenter.date(record.requested_at),
            "lines": [
                {"sku": line.sku, "name": line.name, "quantity": line.quantity, "category": line.category}
                for line in record.lines
            ],
        },
        "returnAddress": address_block(_address(destination), home)
        | {"name": full_name(destination.name, ""), "company": destination.company},
        "sender": address_block(sender, home) | {"name": record.customer.name},
    }
    kind = decision.driver_data_source
    if kind == "ReturnAuthorisationDriver":
        data["policy"] = _policy_section(ctx, presenter)
        data["packing"] = packing_instructions(line.product_type for line in record.lines)
    elif kind == "ReturnLabelDriver":
        data["label"] = {
            "barcode": record.rma(),
            "symbologies": ["code128", "qr"],
            "weightClass": weight_class(grams),
            "weightGrams": grams,
            "parcels": 1,
        }
    elif kind == "ReturnRefusalDriver":
        data["refusal"] = {
            "reason": record.rejection_reason
            or ctx.verdict.refusal_reason
            or "The return does not meet our returns policy.",
            "byService": bool(record.rejection_reason),
        }
    elif kind == "ExchangeDriver":
        data["exchange"] = {
            "lines": [{"sku": x.sku, "name": x.name, "quantity": x.quantity} for x in record.exchange_lines],
            "shipsWhen": "as soon as the returned items are scanned at our warehouse",
        }
        data["policy"] = _policy_section(ctx, presenter)
    return data


def _policy_section(ctx: ReturnContext, presenter: Presenter) -> dict[str, Any]:
    record, verdict = ctx.record, ctx.verdict
    window = verdict.window_days
    start = record.delivered_at or record.ordered_at or record.requested_at
    # the parcel must be on its way by the end of the window, and never sooner than 7 days after the request
    deadline = (
        None
        if window is None
        else max(start + timedelta(days=window), record.requested_at + timedelta(days=7))
    )
    fee = verdict.restocking_fee_percent or Decimal(0)
    return {
        "windowDays": window,
        "window": verdict.policy_window,
        "deadline": presenter.date(deadline),
        "restockingFeePercent": f"{fee:f}",
        "restockingFee": presenter.percent(fee / 100) if fee else "",
    }


def refund_driver_data(record: RefundSnapshotRecord, decision: DocumentDecision) -> dict[str, Any]:
    """The refund confirmation's driver data (the caller checked the refund exists)."""
    refund = record.refund
    assert refund is not None
    store = store_information(record.store_hash, record.store)
    presenter = Presenter.for_store(record.currency_code or store.currency, decision.locale, store.timezone)
    customer = record.customer
    method = record.payment_method or "the original payment method"
    return {
        "document": _document(decision, presenter, refund.created),
        "store": store_section(store),
        "customer": {
            "name": full_name(customer.first_name, customer.last_name) if customer else "",
            "email": customer.email if customer else "",
        },
        "order": {"number": str(record.order_id)},
        "refund": {
            "id": refund.id,
            "number": f"CN-{record.order_id}-{refund.id}",
            "date": presenter.date(refund.created),
            "amount": presenter.money(refund.total_amount),
            "tax": presenter.money(refund.total_tax),
            "method": method,
            "timeToFunds": time_to_funds(method),
            "reason": refund.reason,
            "lines": [
                {
                    "name": line.name,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "amount": presenter.money(line.amount),
                }
                for line in record.lines
            ],
        },
    }
