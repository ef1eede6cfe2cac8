"""Channel checkout settings (``/v3/checkouts/settings/channels/{channelId}``, ``ChannelCheckoutsSettings``).

Every field is optional: BigCommerce's PUT "will update all settings included in the request body. Any
settings excluded will remain unchanged", so a write sends only the fields it means to change. The
``*_type`` and ``policy_consent`` enums are not listed in the spec and stay strings.
"""

from __future__ import annotations

from bcx.bigcommerce.models.common import BcModel


class ChannelCheckoutSettings(BcModel):
    """One channel's checkout settings as read, or the fields to change in a write (unset = unchanged)."""

    checkout_type: str | None = None
    guest_checkout_type: str | None = None
    guest_checkout_for_existing_accounts: str | None = None
    policy_consent: str | None = None
    order_confirmation_contact_email: str | None = None
    is_order_terms_and_conditions_enabled: bool | None = None
    order_terms_and_conditions_type: str | None = None
    order_terms_and_conditions_link: str | None = None
    order_terms_and_conditions_textarea: str | None = None
    should_redirect_to_storefront_for_auth: bool | None = None
    custom_checkout_script_url: str | None = None
    order_confirmation_use_custom_checkout_script: bool | None = None
    custom_order_confirmation_script_url: str | None = None
    custom_checkout_supports_uco_settings: bool | None = None
    custom_checkout_sri_hash: str | None = None
    custom_order_confirmation_sri_hash: str | None = None
