"""Walking BigCommerce collections, one page per request, as async iterators of raw JSON items.

- v2: ``page``/``limit``; an empty collection is ``204 No Content``; a short page is the last one.
- v3: ``page``/``limit`` with ``meta.pagination.total_pages``.
- v3 cursor (customers, price-list records): ``after`` = ``meta.cursor_pagination.end_cursor``.
- B2B Edition: ``offset``/``limit`` with ``meta.pagination.totalCount``; body ``{code, data, meta}``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from bcx.bigcommerce.errors import InvalidResponse
from bcx.bigcommerce.http import Api, BigCommerceHttp

DEFAULT_LIMIT = 250


def _items(body: Any, key: str | None, where: str) -> list[Any]:
    if body is None:
        return []
    items = body.get(key) if key is not None and isinstance(body, dict) else body
    if items is None:
        return []
    if not isinstance(items, list):
        raise InvalidResponse(f"{where}: expected a list of items")
    return items


async def iter_v2(
    http: BigCommerceHttp,
    store_hash: str,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    limit: int = DEFAULT_LIMIT,
    resource: str | None = None,
    resource_id: object = None,
) -> AsyncIterator[Any]:
    """Every item of a v2 collection (``204`` = empty)."""
    page = 1
    while True:
        query = {**(params or {}), "page": page, "limit": limit}
        response = await http.request(
            store_hash, "v2", "GET", path, params=query, resource=resource, resource_id=resource_id
        )
        items = _items(response.body, None, path)
        for item in items:
            yield item
        if len(items) < limit:
            return
        page += 1


async def iter_v3(
    http: BigCommerceHttp,
    store_hash: str,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    limit: int = DEFAULT_LIMIT,
    resource: str | None = None,
    resource_id: object = None,
) -> AsyncIterator[Any]:
    """Every item of a v3 collection, following ``meta.pagination``."""
    page = 1
    while True:
        query = {**(params or {}), "page": page, "limit": limit}
        response = await http.request(
            store_hash, "v3", "GET", path, params=query, resource=resource, resource_id=resource_id
        )
        items = _items(response.body, "data", path)
        for item in items:
            yield item
        pagination = ((response.body or {}).get("meta") or {}).get("pagination") or {}
        total_pages = int(pagination.get("total_pages") or 0)
        current = int(pagination.get("current_page") or page)
        if not items or current >= total_pages:
            return
        page = current + 1


async def iter_v3_cursor(
    http: BigCommerceHttp,
    store_hash: str,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> AsyncIterator[Any]:
    """Every item of a v3 collection with cursor pagination (``after`` = previous ``end_cursor``)."""
    after: str | None = None
    while True:
        query: dict[str, Any] = {**(params or {}), "limit": limit}
        if after is not None:
            query["after"] = after
        response = await http.request(store_hash, "v3", "GET", path, params=query)
        items = _items(response.body, "data", path)
        for item in items:
            yield item
        cursor = ((response.body or {}).get("meta") or {}).get("cursor_pagination") or {}
        next_cursor = cursor.get("end_cursor")
        if not items or len(items) < limit or not next_cursor or next_cursor == after:
            return
        after = str(next_cursor)


async def iter_b2b(
    http: BigCommerceHttp,
    store_hash: str,
    path: str,
    *,
    api: Api = "b2b",
    params: Mapping[str, Any] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> AsyncIterator[Any]:
    """Every item of a B2B Edition collection, following ``meta.pagination.totalCount``."""
    offset = 0
    while True:
        query = {**(params or {}), "offset": offset, "limit": limit}
        response = await http.request(store_hash, api, "GET", path, params=query)
        items = _items(response.body, "data", path)
        for item in items:
            yield item
        pagination = ((response.body or {}).get("meta") or {}).get("pagination") or {}
        total = int(pagination.get("totalCount") or 0)
        offset += len(items)
        if not items or offset >= total:
            return
