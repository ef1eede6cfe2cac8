"""Store information, webhook subscriptions (``/v3/hooks``, ``/v3/hooks/admin``) and content pages."""

from __future__ import annotations

from typing import Any

from bcx.bigcommerce.api.base import ApiGroup, data_of
from bcx.bigcommerce.models.content import Page, PageInput
from bcx.bigcommerce.models.store import StoreInformation
from bcx.bigcommerce.models.webhooks import HooksAdmin, Webhook, WebhookInput
from bcx.bigcommerce.pagination import iter_v3


def _body(model: WebhookInput | PageInput) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


class AdminApi(ApiGroup):
    async def get_store_information(self, store_hash: str) -> StoreInformation:
        response = await self.http.request(store_hash, "v2", "GET", "/store", resource="store")
        return self._parse(StoreInformation, response.body, "store information")

    # --- webhooks -------------------------------------------------------------------------------------
    async def list_hooks(self, store_hash: str, *, scope: str | None = None) -> list[Webhook]:
        params = {"scope": scope} if scope else None
        return await self._collect(Webhook, iter_v3(self.http, store_hash, "/hooks", params=params), "hooks")

    async def get_hook(self, store_hash: str, hook_id: int) -> Webhook:
        response = await self.http.request(
            store_hash, "v3", "GET", f"/hooks/{hook_id}", resource="webhook", resource_id=hook_id
        )
        return self._parse(Webhook, data_of(response.body, "hook"), "hook")

    async def create_hook(self, store_hash: str, hook: WebhookInput) -> Webhook:
        response = await self.http.request(store_hash, "v3", "POST", "/hooks", json=_body(hook))
        return self._parse(Webhook, data_of(response.body, "hook"), "hook")

    async def update_hook(self, store_hash: str, hook_id: int, hook: WebhookInput) -> Webhook:
        response = await self.http.request(
            store_hash,
            "v3",
            "PUT",
            f"/hooks/{hook_id}",
            json=_body(hook),
            resource="webhook",
            resource_id=hook_id,
        )
        return self._parse(Webhook, data_of(response.body, "hook"), "hook")

    async def delete_hook(self, store_hash: str, hook_id: int) -> Webhook:
        response = await self.http.request(
            store_hash, "v3", "DELETE", f"/hooks/{hook_id}", resource="webhook", resource_id=hook_id
        )
        return self._parse(Webhook, data_of(response.body, "hook"), "hook")

    async def get_hooks_admin(self, store_hash: str, *, is_active: bool | None = None) -> HooksAdmin:
        """``GET /v3/hooks/admin``: hook statuses (``deactivated``), blocked domains, notification emails."""
        params = None if is_active is None else {"is_active": str(is_active).lower()}
        response = await self.http.request(store_hash, "v3", "GET", "/hooks/admin", params=params)
        return self._parse(HooksAdmin, data_of(response.body, "hooks admin"), "hooks admin")

    async def set_hooks_admin_emails(self, store_hash: str, emails: list[str]) -> None:
        """``PUT /v3/hooks/admin``: who BigCommerce emails about blocklisting and deactivation."""
        await self.http.request(store_hash, "v3", "PUT", "/hooks/admin", json={"emails": emails})

    # --- content pages --------------------------------------------------------------------------------
    async def list_pages(self, store_hash: str, *, channel_id: int | None = None) -> list[Page]:
        params: dict[str, Any] = {"include": "body"}
        if channel_id is not None:
            params["channel_id"] = channel_id
        return await self._collect(
            Page, iter_v3(self.http, store_hash, "/content/pages", params=params), "pages"
        )

    async def get_page(self, store_hash: str, page_id: int) -> Page:
        response = await self.http.request(
            store_hash,
            "v3",
            "GET",
            f"/content/pages/{page_id}",
            params={"include": "body"},
            resource="page",
            resource_id=page_id,
        )
        return self._parse(Page, data_of(response.body, "page"), "page")

    async def create_page(self, store_hash: str, page: PageInput) -> Page:
        response = await self.http.request(
            store_hash, "v3", "POST", "/content/pages", params={"include": "body"}, json=_body(page)
        )
        return self._parse(Page, _single(data_of(response.body, "page")), "page")

    async def update_page(self, store_hash: str, page_id: int, page: PageInput) -> Page:
        response = await self.http.request(
            store_hash,
            "v3",
            "PUT",
            f"/content/pages/{page_id}",
            params={"include": "body"},
            json=_body(page),
            resource="page",
            resource_id=page_id,
        )
        return self._parse(Page, _single(data_of(response.body, "page")), "page")

    async def delete_page(self, store_hash: str, page_id: int) -> None:
        await self.http.request(
            store_hash, "v3", "DELETE", f"/content/pages/{page_id}", resource="page", resource_id=page_id
        )


def _single(data: Any) -> Any:
    # Pages v3 answers single-object writes with either an object or a one-element list.
    return data[0] if isinstance(data, list) and len(data) == 1 else data
