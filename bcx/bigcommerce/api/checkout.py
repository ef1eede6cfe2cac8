"""Channel checkout settings: the checkout's terms and conditions (link or text) and policy consent."""

from __future__ import annotations

from bcx.bigcommerce.api.base import ApiGroup, data_of, parse
from bcx.bigcommerce.models.checkout import ChannelCheckoutSettings


class CheckoutApi(ApiGroup):
    async def get_channel_checkout_settings(
        self, store_hash: str, channel_id: int
    ) -> ChannelCheckoutSettings:
        response = await self.http.request(
            store_hash,
            "v3",
            "GET",
            f"/checkouts/settings/channels/{channel_id}",
            resource="channel",
            resource_id=channel_id,
        )
        return parse(
            ChannelCheckoutSettings, data_of(response.body, "checkout settings"), "checkout settings"
        )

    async def update_channel_checkout_settings(
        self, store_hash: str, channel_id: int, changes: ChannelCheckoutSettings
    ) -> ChannelCheckoutSettings:
        """PUT only the fields set in ``changes``: the endpoint overwrites every field in the body, so
        sending a full (possibly stale) copy would undo other people's changes to other settings."""
        body = changes.model_dump(mode="json", exclude_none=True)
        if not body:
            raise ValueError("no checkout setting to change")
        response = await self.http.request(
            store_hash,
            "v3",
            "PUT",
            f"/checkouts/settings/channels/{channel_id}",
            json=body,
            resource="channel",
            resource_id=channel_id,
        )
        return parse(
            ChannelCheckoutSettings, data_of(response.body, "checkout settings"), "checkout settings"
        )
