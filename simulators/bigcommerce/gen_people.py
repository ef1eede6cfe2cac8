"""Customers (with delivery preferences), customer groups, attribute definitions, B2B companies and their
users (invoices and receipts: gen_receivables)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from simulators.bigcommerce.names import (
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    CUSTOMER_GROUPS,
    DELIVERY_CHANNELS,
    FIRST_NAMES,
    LAST_NAMES,
    STREETS,
)
from simulators.bigcommerce.timefmt import days_before_anchor, iso, rfc2822, rng_for

ATTRIBUTE_DELIVERY = 1
ATTRIBUTE_LANGUAGE = 2
ATTRIBUTES: tuple[dict[str, Any], ...] = (
    {"id": ATTRIBUTE_DELIVERY, "name": "document_delivery", "type": "string"},
    {"id": ATTRIBUTE_LANGUAGE, "name": "preferred_language", "type": "string"},
)
B2B_GROUP_ID = 4


def customer_group(group_id: int) -> dict[str, Any] | None:
    """``GET /v2/customer_groups/{id}`` body."""
    for gid, name in CUSTOMER_GROUPS:
        if gid == group_id:
            created = days_before_anchor(900)
            return {
                "id": gid,
                "name": name,
                "is_default": gid == 1,
                "category_access": {"type": "all"},
                "discount_rules": [],
                "date_created": rfc2822(created),
                "date_modified": rfc2822(created),
                "is_group_for_guests": False,
            }
    return None


def customer(seed: int, customer_id: int, company_count: int) -> dict[str, Any]:
    """A v3 customer with addresses, attributes and form fields (``include=`` decides what is sent)."""
    rng = rng_for(seed, "customer", customer_id)
    country = rng.choices(COUNTRIES, weights=COUNTRY_WEIGHTS)[0]
    city, state, postal = rng.choice(country.cities)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    is_b2b = customer_id <= company_count * 2
    group = B2B_GROUP_ID if is_b2b else rng.choices((1, 2, 3), weights=(75, 15, 10))[0]
    created = days_before_anchor(400 + rng.random() * 400)
    modified = created + timedelta(days=rng.random() * 300)
    delivery = "portal" if is_b2b else rng.choices(DELIVERY_CHANNELS, weights=(70, 15, 15))[0]
    language = country.language if rng.random() < 0.9 else "en"
    address = {
        "id": customer_id,
        "customer_id": customer_id,
        "first_name": first,
        "last_name": last,
        "company": "",
        "address1": f"{rng.randint(1, 300)} {rng.choice(STREETS)}",
        "address2": "",
        "city": city,
        "state_or_province": state,
        "postal_code": postal,
        "country_code": country.iso2,
        "country": country.name,
        "phone": f"+1555{customer_id % 10_000_000:07d}",
        "address_type": "commercial" if is_b2b else "residential",
    }
    attributes = [
        _attribute_value(customer_id, ATTRIBUTE_DELIVERY, delivery, modified),
        _attribute_value(customer_id, ATTRIBUTE_LANGUAGE, language, modified),
    ]
    return {
        "id": customer_id,
        "email": f"customer{customer_id}@example.com",
        "first_name": first,
        "last_name": last,
        "company": "",
        "phone": address["phone"],
        "registration_ip_address": "",
        "notes": "",
        "tax_exempt_category": "",
        "customer_group_id": group,
        "date_created": iso(created),
        "date_modified": iso(modified),
        "address_count": 1,
        "attribute_count": len(attributes),
        "authentication": {"force_password_reset": False},
        "addresses": [address],
        "attributes": attributes,
        "form_fields": [
            {"name": "preferred_language", "value": language, "customer_id": customer_id},
            # a store's marketing-consent field (no draw from rng: existing data stays as it was)
            {
                "name": "marketing_consent",
                "value": "yes" if customer_id % 4 else "no",
                "customer_id": customer_id,
            },
        ],
        "store_credit_amounts": [{"amount": 0}],
        "accepts_product_review_abandoned_cart_emails": rng.random() < 0.6,
        "origin_channel_id": 1,
        "channel_ids": [1],
    }


def _attribute_value(customer_id: int, attribute_id: int, value: str, modified: Any) -> dict[str, Any]:
    return {
        "id": customer_id * 10 + attribute_id,
        "attribute_id": attribute_id,
        "attribute_value": value,
        "customer_id": customer_id,
        "date_created": iso(modified),
        "date_modified": iso(modified),
    }


def company(seed: int, company_id: int) -> dict[str, Any]:
    """A B2B Edition company (``GET /companies/{id}`` data); its buyer is customer ``2·id - 1``."""
    rng = rng_for(seed, "company", company_id)
    name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIXES)} {company_id}"
    created = days_before_anchor(500 + rng.random() * 200)
    status = rng.choices(("1", "0", "3"), weights=(85, 10, 5))[0]
    return {
        "companyId": company_id,
        "companyName": name,
        "companyEmail": f"accounts{company_id}@example.com",
        "companyPhone": f"+1555{company_id:07d}",
        "companyStatus": status,
        "bcGroupId": str(B2B_GROUP_ID),
        "bcGroupName": "B2B Companies",
        "catalogId": "",
        "catalogName": "",
        "parentCompany": {"id": 0, "name": ""},
        "priceListAssign": [
            {"channelId": 1, "priceListId": 1, "priceListName": "Wholesale", "channelName": "Default"}
        ],
        "extraFields": [],
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "createdAt": str(int(created.timestamp())),
        "updatedAt": str(int((created + timedelta(days=rng.random() * 100)).timestamp())),
    }


def company_credit(seed: int, company_id: int) -> dict[str, Any]:
    rng = rng_for(seed, "credit", company_id)
    return {
        "creditEnabled": True,
        "creditCurrency": "USD",
        "availableCredit": round(rng.uniform(1000, 50000), 2),
        "limitPurchases": rng.random() < 0.5,
        "creditHold": rng.random() < 0.1,
    }


def payment_terms(seed: int, company_id: int) -> dict[str, Any]:
    rng = rng_for(seed, "terms", company_id)
    return {"isEnabled": True, "paymentTerms": rng.choice((15, 30, 45, 60))}


#: B2B Edition built-in roles by position in the company: its first user is the admin
_ROLES = ((0, "Admin"), (1, "Senior Buyer"))


def company_user(customer: dict[str, Any], company_id: int, position: int) -> dict[str, Any]:
    """The B2B Edition user (Users API ``GET /users`` item) of a company's customer; dates in unix seconds."""
    role, role_name = _ROLES[min(position, len(_ROLES) - 1)]
    created = int(datetime.fromisoformat(customer["date_created"]).timestamp())
    return {
        "id": 10_000 + int(customer["id"]),
        "firstName": customer["first_name"],
        "lastName": customer["last_name"],
        "email": customer["email"],
        "phoneNumber": customer["phone"],
        "role": role,
        "companyRoleId": role,
        "companyRoleName": role_name,
        "uuid": "",
        "extraFields": [],
        "companyId": company_id,
        "createdAt": created,
        "updatedAt": int(datetime.fromisoformat(customer["date_modified"]).timestamp()),
        "customerId": customer["id"],
        "channelList": [
            {
                "channelId": 1,
                "channelName": "Default Storefront",
                "iconUrl": "https://s3.amazonaws.com/bc-channel-platform/channel-icons/bigcommerce.svg",
            }
        ],
    }
