"""Consent and pressure: who may get a marketing document, and why not."""

from __future__ import annotations

from bcx.contracts.marketing_contacts import Contact, ContactHistory
from bcx.contracts.marketing_profiles import MarketingProfile
from consumers.customer_profiles.processor import folded
from consumers.marketing.policy import load_policy
from consumers.marketing.pressure import Kind, check
from tests.consumers.marketing import factories as f

POLICY = load_policy()
NOW = f.T0 + f.days(10)


def profile(
    *, marketing: bool = True, cart_emails: bool = True, do_not_mail: bool = False, address: bool = True
) -> MarketingProfile:
    snap = f.customer(
        7, marketing=marketing, cart_emails=cart_emails, do_not_mail=do_not_mail, address=address
    )
    made = folded(None, snap, POLICY, 7)
    assert made is not None
    return made


def history(*days_ago: float, use_case: str = "catalogs") -> ContactHistory:
    contacts = [
        Contact(at=NOW - f.days(d), use_case=use_case, document_type="x", idempotency_key=f"k{i}")
        for i, d in enumerate(days_ago)
    ]
    return ContactHistory(store_hash=f.STORE, customer_id=7, contacts=contacts)


def reason(
    p: MarketingProfile | None,
    h: ContactHistory | None = None,
    *,
    kind: Kind = Kind.MARKETING,
    channel: str = "email",
    key: str | None = None,
) -> str | None:
    found = check(p, h, POLICY, kind=kind, channel=channel, cap_group="marketing", now=NOW, key=key)
    return found.reason if found else None


class TestConsent:
    def test_marketing_needs_consent(self) -> None:
        """Without marketing consent a catalog is suppressed; with it, it goes."""
        assert reason(profile(marketing=False)) == "no_marketing_consent"
        assert reason(profile()) is None

    def test_abandoned_cart_follows_its_own_flag(self) -> None:
        """Abandoned-cart letters follow accepts_product_review_abandoned_cart_emails, not newsletters."""
        assert reason(profile(marketing=False), kind=Kind.ABANDONED_CART) is None
        assert reason(profile(cart_emails=False), kind=Kind.ABANDONED_CART) == "no_abandoned_cart_consent"

    def test_withdrawal_stops_everything(self) -> None:
        """After consent was withdrawn not even an accepted abandoned-cart letter goes."""
        withdrawn = folded(profile(), f.customer(7, at=f.T0 + f.days(1), marketing=False), POLICY, 7)
        assert reason(withdrawn, kind=Kind.ABANDONED_CART) == "consent_withdrawn"

    def test_print_needs_address_and_no_do_not_mail(self) -> None:
        """Print goes only to a postal address of a customer who did not ask for no mail."""
        assert reason(profile(address=False), channel="print") == "no_postal_address"
        assert reason(profile(do_not_mail=True), channel="print") == "do_not_mail"
        assert reason(profile(), channel="print") is None

    def test_guests_get_nothing(self) -> None:
        """No profile means no known consent."""
        assert reason(None, kind=Kind.ABANDONED_CART) == "no_profile"


class TestPressure:
    def test_caps_count_both_flows(self) -> None:
        """Four documents in 30 days by catalogs and retention together reach the 4-per-30-days cap."""
        h = history(2, 5)
        h = h.model_copy(update={"contacts": [*h.contacts, *history(8, 12, use_case="retention").contacts]})
        assert reason(profile(), h) == "cap_marketing_4_per_30d"
        assert reason(profile(), history(2, 5, 40)) is None

    def test_daily_cap(self) -> None:
        """A second marketing document the same day is suppressed by the 1-per-day cap."""
        assert reason(profile(), history(0.5)) == "cap_marketing_1_per_1d"

    def test_a_retried_document_does_not_count_against_itself(self) -> None:
        """A contact recorded under the same key is the same document, not a second one."""
        assert reason(profile(), history(0.5), key="k0") is None

    def test_quiet_after_a_return(self) -> None:
        """A refund 3 days ago keeps marketing quiet for 14 days."""
        p = folded(profile(), f.refund(1, 7, at=NOW - f.days(3)), POLICY, 7)
        assert reason(p) == "quiet_after_return"

    def test_quiet_after_a_complaint(self) -> None:
        """A complaint date in the configured attribute starts a 30-day quiet period."""
        complained = (NOW - f.days(5)).date().isoformat()
        p = folded(None, f.customer(7, extra={"last_complaint_at": complained}), POLICY, 7)
        assert reason(p) == "quiet_after_complaint"
