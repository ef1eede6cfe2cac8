"""Consent and pressure, pure: may this customer get this marketing document on this channel now?

Checked before Exstream is called, in this order, the first failing check is the reason:

- ``erased`` (checked by the sender first): the customer was erased (``customers.erasures.v1``);
- ``no_profile``: nobody known to ask (a guest): no consent, no document;
- ``consent_withdrawn`` / ``no_marketing_consent``: marketing documents need consent; once withdrawn,
  nothing more, including requests of a campaign that was already running;
- ``no_abandoned_cart_consent``: abandoned-cart letters follow
  ``accepts_product_review_abandoned_cart_emails``;
- ``no_email`` / ``no_postal_address`` / ``do_not_mail``: the channel cannot or may not reach them;
- ``quiet_after_return`` / ``quiet_after_complaint``: a quiet period is running;
- ``cap_<group>_<n>_per_<d>d``: a frequency cap across retention and catalogs is reached.

Transactional flows never call this: it only governs the marketing flows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bcx.contracts.marketing_contacts import Contact, ContactHistory
from bcx.contracts.marketing_profiles import MarketingProfile
from consumers.marketing.policy import MarketingPolicy


class Kind(StrEnum):
    """Which consent a document needs."""

    MARKETING = "marketing"
    ABANDONED_CART = "abandoned_cart"


@dataclass(frozen=True, slots=True)
class Suppression:
    reason: str
    explanation: str


def consent(profile: MarketingProfile | None, kind: Kind, channel: str) -> Suppression | None:
    """The consent and reachability checks."""
    if profile is None:
        return Suppression("no_profile", "no registered customer: no consent is known")
    given = profile.consent
    if given.withdrawn_at is not None and not given.marketing:
        return Suppression(
            "consent_withdrawn", f"marketing consent withdrawn at {given.withdrawn_at:%Y-%m-%d}"
        )
    if kind is Kind.ABANDONED_CART:
        if not given.abandoned_cart_emails:
            return Suppression(
                "no_abandoned_cart_consent", "accepts_product_review_abandoned_cart_emails is false"
            )
    elif not given.marketing:
        return Suppression("no_marketing_consent", "the customer did not accept marketing")
    if channel == "email" and not profile.email:
        return Suppression("no_email", "no email address")
    if channel == "print":
        if given.do_not_mail:
            return Suppression("do_not_mail", "the customer asked for no postal mail")
        if profile.postal_address is None:
            return Suppression("no_postal_address", "no complete postal address")
    return None


def recent(history: ContactHistory | None, group: str, since: datetime) -> list[Contact]:
    return [c for c in (history.contacts if history else []) if c.cap_group == group and c.at >= since]


def pressure(
    profile: MarketingProfile,
    history: ContactHistory | None,
    policy: MarketingPolicy,
    *,
    cap_group: str,
    now: datetime,
    key: str | None = None,
) -> Suppression | None:
    """Quiet periods and frequency caps. A contact already recorded under ``key`` (a retried document)
    does not count against itself."""
    quiet = policy.quiet_days
    if profile.last_return_at and now - profile.last_return_at < timedelta(days=quiet.after_return):
        return Suppression("quiet_after_return", f"a return {quiet.after_return}-day quiet period is running")
    if profile.last_complaint_at and now - profile.last_complaint_at < timedelta(days=quiet.after_complaint):
        return Suppression(
            "quiet_after_complaint", f"a complaint {quiet.after_complaint}-day quiet period is running"
        )
    if history is not None and key is not None and any(c.idempotency_key == key for c in history.contacts):
        return None
    for cap in policy.caps:
        if cap.group != cap_group:
            continue
        sent = recent(history, cap.group, now - timedelta(days=cap.per_days))
        if len(sent) >= cap.max_documents:
            return Suppression(
                f"cap_{cap.group}_{cap.max_documents}_per_{cap.per_days}d",
                f"{len(sent)} {cap.group} documents in the last {cap.per_days} days "
                f"(cap {cap.max_documents}), by {', '.join(sorted({c.use_case for c in sent}))}",
            )
    return None


def check(
    profile: MarketingProfile | None,
    history: ContactHistory | None,
    policy: MarketingPolicy,
    *,
    kind: Kind,
    channel: str,
    cap_group: str,
    now: datetime,
    key: str | None = None,
) -> Suppression | None:
    """Consent, then pressure: the reason the document must not go, or None."""
    refused = consent(profile, kind, channel)
    if refused is not None or profile is None:
        return refused
    return pressure(profile, history, policy, cap_group=cap_group, now=now, key=key)
