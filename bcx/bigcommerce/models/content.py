"""Content pages (``/v3/content/pages``): where published policy documents land."""

from __future__ import annotations

from typing import Literal

from bcx.bigcommerce.models.common import BcModel

PageType = Literal["page", "raw", "contact_form", "link", "blog"]


class Page(BcModel):
    """A page as returned with ``include=body``."""

    id: int
    name: str
    type: PageType = "page"
    channel_id: int = 1
    body: str | None = None
    is_visible: bool = True
    parent_id: int = 0
    sort_order: int = 0
    is_homepage: bool = False
    is_customers_only: bool = False
    url: str = ""
    content_type: str | None = None
    meta_title: str | None = None
    meta_description: str | None = None
    search_keywords: str | None = None


class PageInput(BcModel):
    """Body of ``POST``/``PUT /v3/content/pages`` (unset fields are not sent)."""

    name: str | None = None
    type: PageType | None = None
    channel_id: int | None = None
    body: str | None = None
    is_visible: bool | None = None
    url: str | None = None
    content_type: str | None = None
    meta_title: str | None = None
    meta_description: str | None = None
