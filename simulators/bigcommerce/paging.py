"""Response helpers shared by the simulator's routes: envelopes, pagination, errors, store lookup."""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from simulators.bigcommerce.state import StoreState


def store_of(request: Request) -> StoreState:
    """The store a request is for (path ``/stores/{hash}`` or the B2B ``X-Store-Hash`` header)."""
    stores: dict[str, StoreState] = request.app.state.sim.stores
    store_hash = request.path_params.get("store_hash") or request.headers.get("x-store-hash", "")
    store = stores.get(store_hash)
    if store is None:
        raise HTTPException(404, "store not found")
    return store


def error(status: int, title: str, **extra: Any) -> JSONResponse:
    """BigCommerce's v3 error body: ``{status, title, type, errors}``."""
    body = {
        "status": status,
        "title": title,
        "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
        "errors": extra,
    }
    return JSONResponse(body, status_code=status)


def not_found(what: str) -> JSONResponse:
    return error(404, f"{what} not found")


def int_param(request: Request, name: str, default: int, *, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        raise HTTPException(400, f"{name} must be an integer") from None
    value = max(1, value)
    return min(value, maximum) if maximum is not None else value


def ids_param(request: Request, name: str) -> list[int] | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise HTTPException(400, f"{name} must be a list of integers") from None


def v2_list(request: Request, items: list[Any], *, empty_204: bool = False) -> Response:
    """A v2 page (``page``/``limit``, default 50, max 250). An empty page is ``204 No Content`` only where
    the orders spec documents it (``empty_204``: order shipments); elsewhere the spec defines 200 only, so
    an empty page is ``200 []``. The client reads both as "no more items"."""
    page = int_param(request, "page", 1)
    limit = int_param(request, "limit", 50, maximum=250)
    chunk = items[(page - 1) * limit : page * limit]
    if not chunk and empty_204:
        return Response(status_code=204)
    return JSONResponse(chunk)


def pagination_meta(request: Request, total: int, page: int, limit: int, count: int) -> dict[str, Any]:
    total_pages = (total + limit - 1) // limit if total else 0
    base = request.url.path

    def link(p: int) -> str:
        return f"{base}?page={p}&limit={limit}"

    links: dict[str, str] = {"current": link(page)}
    if page > 1:
        links["previous"] = link(page - 1)
    if page < total_pages:
        links["next"] = link(page + 1)
    return {
        "total": total,
        "count": count,
        "per_page": limit,
        "current_page": page,
        "total_pages": total_pages,
        "links": links,
    }


def v3_list(
    request: Request, items: list[Any], *, default_limit: int = 50, total: int | None = None
) -> JSONResponse:
    """A v3 page with ``meta.pagination``; ``items`` is the whole filtered collection."""
    page = int_param(request, "page", 1)
    limit = int_param(request, "limit", default_limit, maximum=250)
    chunk = items[(page - 1) * limit : page * limit]
    meta = {
        "pagination": pagination_meta(
            request, len(items) if total is None else total, page, limit, len(chunk)
        )
    }
    return JSONResponse({"data": chunk, "meta": meta})


def cursor_window(request: Request, keys: list[Any]) -> tuple[list[Any], dict[str, Any]]:
    """The page of ``keys`` a request asks for (``after`` cursor, else ``page``) and its ``meta``.

    Cursors encode the last key seen, so callers can page over ids and build only the items shown.
    """
    limit = int_param(request, "limit", 50, maximum=250)
    after = request.query_params.get("after")
    page = 1
    if after is not None:
        position = _cursor_position(keys, after)
        window = keys[position : position + limit]
    else:
        page = int_param(request, "page", 1)
        window = keys[(page - 1) * limit : page * limit]
    meta: dict[str, Any] = {"pagination": pagination_meta(request, len(keys), page, limit, len(window))}
    cursor: dict[str, Any] = {"count": len(window), "per_page": limit, "links": {"current": request.url.path}}
    if window:
        cursor["start_cursor"] = _encode_cursor(window[0])
        cursor["end_cursor"] = _encode_cursor(window[-1])
    meta["cursor_pagination"] = cursor
    return window, meta


def v3_cursor_list(request: Request, items: list[dict[str, Any]], key: str = "id") -> JSONResponse:
    """Cursor pagination (``after``; ``end_cursor`` encodes the last item's ``key``) over ``items``."""
    by_key = {item.get(key): item for item in items}
    window, meta = cursor_window(request, list(by_key))
    return JSONResponse({"data": [by_key[k] for k in window], "meta": meta})


def _encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps({"k": key}).encode()).decode().rstrip("=")


def _cursor_position(keys: list[Any], cursor: str) -> int:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["k"]
    except (ValueError, KeyError, TypeError):
        raise HTTPException(400, "invalid cursor") from None
    try:
        return keys.index(value) + 1
    except ValueError:
        return len(keys)


def b2b_envelope(
    data: Any, *, message: str = "SUCCESS", status: int = 200, pagination: dict[str, Any] | None = None
) -> JSONResponse:
    meta: dict[str, Any] = {"message": message}
    if pagination is not None:
        meta["pagination"] = pagination
    return JSONResponse({"code": status, "data": data, "meta": meta}, status_code=status)


def b2b_list(request: Request, items: list[Any], *, maximum: int = 250) -> JSONResponse:
    offset = max(0, int(request.query_params.get("offset", "0") or 0))
    limit = int_param(request, "limit", 10, maximum=maximum)
    chunk = items[offset : offset + limit]
    return b2b_envelope(chunk, pagination={"totalCount": len(items), "offset": offset, "limit": limit})


async def json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise HTTPException(400, "body is not JSON") from None
