"""B2B receivables with realistic histories: invoice-portal invoices and the receipts that paid them.

Per company 0–8 documents issued up to 200 days before the anchor, due after the company's payment terms:
open, partially paid and completed invoices (so some are overdue into every aging bucket), credit memos
(negative original balance, completed as the spec says a balance ≤ 0 is), and most companies bill in one
currency while some use a second one. Every paid amount has a receipt (``GET /receipts``) in the invoice's
currency, dated between issue and the anchor. Ids: invoice ``company·10 + k``; receipt = its invoice's id.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from simulators.bigcommerce import gen_people
from simulators.bigcommerce.timefmt import ANCHOR, days_before_anchor, rng_for

CURRENCIES = ("USD", "EUR", "GBP", "CAD")
CREDIT_MEMO = "Credit Memo"


def _money(code: str, value: Decimal) -> dict[str, str]:
    return {"code": code, "value": f"{value:.2f}"}


def _address(company_id: int) -> dict[str, str]:
    return {
        "firstName": "Accounts",
        "lastName": "Payable",
        "street1": f"{company_id} Commerce Way",
        "street2": "Suite 100",
        "city": "Austin",
        "state": "Texas",
        "zipCode": "78701",
        "country": "United States",
    }


def company_history(seed: int, company_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The company's invoices (every status) and receipts, deterministic per seed and company."""
    rng = rng_for(seed, "receivables", company_id)
    terms = int(gen_people.payment_terms(seed, company_id)["paymentTerms"])
    primary = rng.choices(CURRENCIES, weights=(70, 12, 10, 8))[0]
    secondary = rng.choice([c for c in CURRENCIES if c != primary]) if rng.random() < 0.15 else None
    invoices: list[dict[str, Any]] = []
    receipts: list[dict[str, Any]] = []
    for k in range(rng.randint(0, 8)):
        invoice_id = company_id * 10 + k + 1
        code = secondary if secondary and rng.random() < 0.4 else primary
        issued = days_before_anchor(rng.uniform(3, 200))
        total = Decimal(str(round(rng.uniform(200, 9000), 2)))
        credit = rng.random() < 0.1
        if credit:
            status, original, open_balance = 2, -(total / 10).quantize(Decimal("0.01")), Decimal(0)
        else:
            age = (ANCHOR - issued).days
            paid_weight = 30 + age // 3
            status = rng.choices((0, 1, 2), weights=(50, 20, paid_weight))[0]
            fraction = Decimal(str(round(rng.uniform(0.2, 0.8), 2)))
            original = total
            open_balance = (
                total
                if status == 0
                else ((total * fraction).quantize(Decimal("0.01")) if status == 1 else Decimal(0))
            )
        invoices.append(
            _invoice(company_id, invoice_id, code, issued, terms, status, original, open_balance, credit)
        )
        paid = original - open_balance
        if not credit and paid > 0:
            span = max(1.0, min(60.0, (ANCHOR - issued).total_seconds() / 86400 - 0.5))
            received = issued + timedelta(days=rng.uniform(0.5, span))
            receipts.append(
                _receipt(
                    company_id,
                    invoice_id,
                    code,
                    paid,
                    received,
                    rng.choice(("Offline", "Visa ending in 1111", "ACH")),
                )
            )
    return invoices, receipts


def _invoice(
    company_id: int,
    invoice_id: int,
    code: str,
    issued: Any,
    terms: int,
    status: int,
    original: Decimal,
    open_balance: Decimal,
    credit: bool,
) -> dict[str, Any]:
    created = str(int(issued.timestamp()))
    return {
        "id": invoice_id,
        "customerId": str(company_id),
        "externalCustomerId": f"ERP-C{company_id:05d}",
        "externalId": f"ERP-INV-{invoice_id:06d}",
        "invoiceNumber": f"{'CM' if credit else 'INV'}-{invoice_id:06d}",
        "type": CREDIT_MEMO if credit else "Invoice",
        "dueDate": int((issued + timedelta(days=terms)).timestamp()),
        "status": status,
        "orderNumber": str(100 + invoice_id),
        "purchaseOrderNumber": f"PO-{invoice_id}",
        "details": {
            "type": "B2B",
            "header": {
                "costLines": [{"amount": _money(code, original), "description": "Subtotal"}],
                "orderDate": int(issued.timestamp()),
                "billingAddress": _address(company_id),
                "shippingAddresses": [_address(company_id)],
            },
            "details": {
                "shipments": [
                    {
                        "addressIndex": "0",
                        "shipDate": created,
                        "shipVia": "UPS",
                        "trackingNumber": f"1Z{invoice_id:010d}",
                        "comments": "Delivered",
                    }
                ],
                "lineItems": [
                    {
                        "sku": f"SKU-{invoice_id:05d}",
                        "type": "product",
                        "comments": "Credit for returned goods" if credit else "Wholesale order",
                        "description": "Wholesale assortment",
                        "quantity": "1",
                        "unitPrice": _money(code, original),
                        "unitDiscount": _money(code, Decimal(0)),
                    }
                ],
            },
        },
        "isPendingPayment": 0,
        "source": 0,
        "originalBalance": _money(code, original),
        "openBalance": _money(code, open_balance),
        "customerName": f"Company {company_id}",
        "createdAt": created,
        "updatedAt": created,
        "channelId": "1",
        "channelName": "Default",
        "termsConditions": "Payment due within the agreed terms.",
        "extraFields": [],
    }


def _receipt(
    company_id: int, invoice_id: int, code: str, amount: Decimal, received: Any, method: str
) -> dict[str, Any]:
    moment = int(min(received, ANCHOR).timestamp())
    return {
        "id": invoice_id,
        "createdAt": moment,
        "updatedAt": moment,
        "customerId": str(company_id),
        "externalId": None,
        "externalCustomerId": f"ERP-C{company_id:05d}",
        "payerName": "Accounts Payable",
        "payerCustomerId": str(company_id),
        "details": {"paymentDetails": {"memo": f"Payment for INV-{invoice_id:06d}"}},
        "transactionType": "Paid",
        "paymentType": method,
        "referenceNumber": f"REF-{invoice_id:06d}",
        "paymentId": invoice_id,
        "total": _money(code, amount),
    }
