"""A profile as routing's customer facts. The marketing gate (:mod:`.pressure`) is the consent authority
for marketing documents, so facts carry ``marketing_consent`` as its verdict."""

from __future__ import annotations

from bcx.contracts.marketing_profiles import MarketingProfile
from routing import Channel, CustomerFacts


def customer_facts(profile: MarketingProfile, *, channel: str, allowed: bool) -> CustomerFacts:
    segments = {s for s in (profile.loyalty_tier.lower(), profile.group_name.lower()) if s}
    return CustomerFacts(
        customer_id=profile.customer_id,
        group_id=profile.customer_group_id or None,
        group_name=profile.group_name or None,
        segments=frozenset(segments),
        country=profile.postal_address.country_code.upper() if profile.postal_address else None,
        locale=profile.locale or None,
        preferred_channels=(Channel(channel),),
        has_email=bool(profile.email),
        has_postal_address=profile.postal_address is not None and not profile.consent.do_not_mail,
        marketing_consent=allowed,
    )


def contact_block(profile: MarketingProfile) -> dict[str, object]:
    """Who the document addresses (driver data)."""
    address = profile.postal_address
    return {
        "customer_id": profile.customer_id,
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "email": profile.email,
        "loyalty_tier": profile.loyalty_tier,
        "address": address.model_dump() if address else None,
    }
