"""The store's profile as a snapshot carries it (``commerce.*`` ``store``) → the BigCommerce store model the
kit's :func:`~consumers.documents.sections.store_section` reads. Every flow whose snapshots carry a store
uses it (order documents, returns)."""

from __future__ import annotations

from bcx.bigcommerce.models import StoreInformation
from bcx.bigcommerce.models.store import Timezone
from bcx.contracts.commerce_profiles import StoreProfile


def store_information(store_hash: str, profile: StoreProfile | None) -> StoreInformation:
    if profile is None:
        return StoreInformation(id=store_hash)
    zone = profile.timezone
    return StoreInformation(
        id=profile.id,
        name=profile.name,
        domain=profile.domain,
        secure_url=profile.secure_url,
        address=profile.address,
        country=profile.country,
        country_code=profile.country_code,
        phone=profile.phone,
        admin_email=profile.admin_email,
        order_email=profile.order_email,
        language=profile.language,
        currency=profile.currency,
        timezone=Timezone(name=zone.name, raw_offset=zone.raw_offset, dst_offset=zone.dst_offset),
    )
