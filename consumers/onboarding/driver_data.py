"""Snapshots → the onboarding documents' Exstream driver data (``OnboardingDriver``).

- ``setup_guide`` / ``care_guide``: the family, its products in the order (name, SKU, quantity) and the
  policy's text blocks for that family and guide;
- ``warranty_registration``: the family's warrantable products, the warranty period for the buyer's
  country and the registration link the template prints as text and as a QR code;
- ``b2b_welcome_pack``: the company (name, contact, status, customer group), its payment terms and credit,
  and the portal address.

Camel-case JSON with the two keys the delivery step reads (``email``, ``deliveryChannels``). Dates are the
snapshot's, in the store's timezone: the same input gives the same document. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bcx.contracts.commerce_accounts import AccountSnapshotRecord
from consumers.documents.errors import DocumentDataError
from consumers.documents.orders.context import OrderContext, presenter
from consumers.documents.sections import address_block, full_name, store_section
from consumers.onboarding.policy import OnboardingPolicy

SETUP_GUIDE = "setup_guide"
CARE_GUIDE = "care_guide"
WARRANTY_REGISTRATION = "warranty_registration"
B2B_WELCOME_PACK = "b2b_welcome_pack"


@dataclass(frozen=True)
class OnboardingRequest:
    document_type: str
    family: str | None = None
    locale: str = "en"
    channels: Sequence[str] = ()
    reference: str | None = None


def _document(request: OnboardingRequest, title: str, number: str) -> dict[str, Any]:
    return {"title": title, "number": number, "locale": request.locale, "reference": request.reference}


def _family_lines(context: OrderContext, policy: OnboardingPolicy, family: str) -> list[dict[str, Any]]:
    lines = []
    for line in context.snapshot.products:
        categories = list(context.categories.get(line.product_id, ()))
        if policy.family(categories) == family:
            lines.append(
                {
                    "productId": line.product_id,
                    "name": line.name_customer or line.name,
                    "sku": line.sku,
                    "quantity": line.quantity,
                }
            )
    return lines


def order_document(
    context: OrderContext, policy: OnboardingPolicy, request: OnboardingRequest
) -> dict[str, Any]:
    """The driver data of a guide or warranty notice for ``request.family`` of this order."""
    family = request.family
    if family is None or request.document_type not in (SETUP_GUIDE, CARE_GUIDE, WARRANTY_REGISTRATION):
        raise DocumentDataError(f"onboarding cannot build a {request.document_type!r} for family {family!r}")
    order = context.snapshot.order
    show = presenter(context, request.locale)
    store = store_section(context.store)
    billing = order.billing_address
    known = context.customer.customer if context.customer else None
    customer = {
        "name": full_name((known.first_name if known else "") or billing.first_name, billing.last_name),
        "firstName": (known.first_name if known else "") or billing.first_name,
        "email": (known.email if known else "") or billing.email,
    }
    lines = _family_lines(context, policy, family)
    guide = policy.guides.get(family)
    data: dict[str, Any] = {
        "documentType": request.document_type,
        "document": _document(request, "", f"ONB-{order.id}-{family.upper()}"),
        "email": customer["email"],
        "deliveryChannels": [str(c) for c in request.channels],
        "store": store,
        "customer": customer,
        "postalAddress": address_block(billing, context.store.country_code),
        "order": {
            "id": order.id,
            "number": str(order.id),
            "placedAt": show.date(order.date_created),
            "shippedAt": show.date(order.date_shipped),
            "isDigital": order.order_is_digital,
        },
        "family": family,
        "products": lines,
        "guide": None,
        "warranty": None,
    }
    if request.document_type in (SETUP_GUIDE, CARE_GUIDE):
        kind = "setup" if request.document_type == SETUP_GUIDE else "care"
        steps = list(getattr(guide, kind)) if guide else []
        data["document"]["title"] = f"{'Setup' if kind == 'setup' else 'Care'} guide"
        data["guide"] = {"kind": kind, "steps": steps}
    else:
        country = billing.country_iso2 or None
        url = policy.registration_url(store["url"], order.id, [line["productId"] for line in lines])
        data["document"]["title"] = "Warranty registration"
        data["warranty"] = {
            "months": policy.warranty_months(country),
            "country": (country or "").upper(),
            "registrationUrl": url,
            "startsAt": show.date(order.date_shipped or order.date_created),
        }
    return data


def welcome_pack(record: AccountSnapshotRecord, request: OnboardingRequest) -> dict[str, Any]:
    """The B2B welcome pack for a created or approved company."""
    company = record.company
    if company is None:
        raise DocumentDataError(f"company {record.entity_id} is deleted; it has no welcome pack")
    terms = record.payment_terms
    credit = record.credit
    fields = {f.field_name: f.field_value for f in company.extra_fields}
    return {
        "documentType": request.document_type,
        "document": _document(request, "Welcome pack", f"WEL-{company.company_id}"),
        "email": company.company_email,
        "deliveryChannels": [str(c) for c in request.channels],
        "store": {"storeHash": record.store_hash},
        "company": {
            "id": company.company_id,
            "name": company.company_name,
            "email": company.company_email,
            "phone": company.company_phone,
            "status": company.company_status,
            "group": company.bc_group_name,
            "extraFields": fields,
        },
        "paymentTerms": {
            "enabled": bool(terms and terms.is_enabled),
            "days": terms.payment_terms if terms else 0,
        },
        "credit": {
            "enabled": bool(credit and credit.credit_enabled),
            "currency": credit.credit_currency if credit else "",
            "available": f"{credit.available_credit:f}" if credit else "0",
        },
    }
