"""Store information, webhook subscriptions (``/v3/hooks`` + ``/admin``) and content pages."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.bigcommerce.paging import error, ids_param, json_body, not_found, store_of, v3_list
from simulators.bigcommerce.state import StoreState

_HOOK_FIELDS = ("scope", "destination", "is_active", "headers")


async def store_information(request: Request) -> Response:
    return JSONResponse(store_of(request).store_information())


async def server_time(request: Request) -> Response:
    return JSONResponse({"time": int(time.time())})


def _validate_hook(body: Any, *, create: bool) -> str | None:
    if not isinstance(body, dict):
        return "body must be an object"
    if create and (not body.get("scope") or not body.get("destination")):
        return "scope and destination are required"
    if not create and not any(k in body for k in _HOOK_FIELDS):
        return "Update webhook request should not be empty"
    destination = body.get("destination")
    if destination is not None and urlsplit(str(destination)).scheme not in ("http", "https"):
        return "destination must be an http(s) URL"
    headers = body.get("headers")
    if headers is not None and not (
        isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values())
    ):
        return "headers must be an object of strings"
    return None


async def hooks(request: Request) -> Response:
    store = store_of(request)
    if request.method == "POST":
        body = await json_body(request)
        problem = _validate_hook(body, create=True)
        if problem:
            return error(422, problem)
        now = int(time.time())
        with store.lock:
            hook_id = max(store.hooks, default=0) + 1
            hook = {
                "id": hook_id,
                "client_id": store.config.client_id,
                "store_hash": store.store_hash,
                "scope": body["scope"],
                "destination": body["destination"],
                "headers": body.get("headers"),
                "is_active": bool(body.get("is_active", True)),
                "created_at": now,
                "updated_at": now,
            }
            store.hooks[hook_id] = hook
        return JSONResponse({"data": hook, "meta": {}})
    scope = request.query_params.get("scope")
    active = request.query_params.get("is_active")
    with store.lock:
        found = [
            h
            for h in store.hooks.values()
            if (scope is None or h["scope"] == scope)
            and (active is None or str(h["is_active"]).lower() == active.lower())
        ]
    return v3_list(request, found)


async def hook(request: Request) -> Response:
    store = store_of(request)
    hook_id = request.path_params["hook_id"]
    with store.lock:
        found = store.hooks.get(hook_id)
    if found is None:
        return error(404, f"Webhook with id [{hook_id}] not found")
    if request.method == "PUT":
        body = await json_body(request)
        problem = _validate_hook(body, create=False)
        if problem:
            return error(422, problem)
        with store.lock:
            found = dict(
                found, **{k: body[k] for k in _HOOK_FIELDS if k in body}, updated_at=int(time.time())
            )
            if found["is_active"]:
                store.deactivated_hooks.discard(hook_id)
            store.hooks[hook_id] = found
    elif request.method == "DELETE":
        with store.lock:
            store.hooks.pop(hook_id, None)
    return JSONResponse({"data": found, "meta": {}})


async def hooks_admin(request: Request) -> Response:
    store = store_of(request)
    if request.method == "PUT":
        body = await json_body(request)
        emails = body.get("emails") if isinstance(body, dict) else None
        if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
            return error(422, "emails must be a list of strings")
        with store.lock:
            store.hook_emails = list(emails)
        return Response(status_code=204)
    active = request.query_params.get("is_active")
    with store.lock:
        listed = []
        for h in store.hooks.values():
            if active is not None and str(h["is_active"]).lower() != active.lower():
                continue
            status = (
                "deactivated"
                if h["id"] in store.deactivated_hooks
                else ("active" if h["is_active"] else "inactive")
            )
            listed.append(dict(h, status=status))
        data = {
            "emails": list(store.hook_emails),
            "hooks_list": listed,
            "blocked_domains": list(store.blocked_domains),
        }
    return JSONResponse({"data": data, "meta": {}})


def _page_view(page: dict[str, Any], request: Request) -> dict[str, Any]:
    if "body" in (request.query_params.get("include") or "").split(","):
        return page
    return {k: v for k, v in page.items() if k != "body"}


#: "Web pages created via this endpoint are subject to the 4000 web page platform limit" (pages.v3.yml)
PAGE_LIMIT = 4000
_CREATABLE = ("page", "raw", "contact_form", "link")


def _slug(name: str) -> str:
    return "/" + "-".join(re.findall(r"[a-z0-9]+", name.lower())) + "/"


def _page_problem(store: StoreState, item: Any, page_id: int | None) -> tuple[int, str] | None:
    """What BigCommerce would refuse in a page write (``page_id`` None for a create)."""
    if not isinstance(item, dict):
        return 422, "each page must be an object"
    if page_id is None and (not item.get("name") or item.get("type") not in _CREATABLE):
        return 422, "name and a creatable type are required"
    name = item.get("name")
    if name is not None and not (isinstance(name, str) and 1 <= len(name) <= 100):
        return 422, "name must be 1 to 100 characters"
    if "channel_id" in item and item["channel_id"] not in store.config.channel_ids:
        return 422, f"channel {item['channel_id']} does not exist"
    if item.get("type") == "link" and not item.get("link"):
        return 422, "link is required for a link page"
    if item.get("type") == "raw" and page_id is None and "body" not in item:
        return 422, "body is required for a raw page"
    if name is not None and any(p["name"] == name and p["id"] != page_id for p in store.pages.values()):
        return 409, "a page with this name exists"
    return None


async def pages(request: Request) -> Response:
    store = store_of(request)
    if request.method == "POST":
        body = await json_body(request)
        items = body if isinstance(body, list) else [body]
        created = []
        with store.lock:
            if len(store.pages) + len(items) > PAGE_LIMIT:
                return error(422, f"the store would exceed the {PAGE_LIMIT} web page limit")
            for item in items:
                problem = _page_problem(store, item, None)
                if problem:
                    return error(*problem)
                page_id = max(store.pages, default=0) + 1
                page = {
                    "channel_id": 1,
                    "is_visible": True,
                    "parent_id": 0,
                    "sort_order": 0,
                    "is_homepage": False,
                    "is_customers_only": False,
                    "url": _slug(item["name"]),
                    "meta_title": None,
                    "meta_keywords": None,
                    "meta_description": None,
                    "search_keywords": None,
                    "body": "",
                    **item,
                    "id": page_id,
                }
                store.pages[page_id] = page
                created.append(_page_view(page, request))
        data: Any = created if isinstance(body, list) else created[0]
        return JSONResponse({"data": data, "meta": {}}, status_code=201)
    if request.method == "DELETE":
        ids = ids_param(request, "id:in") or []
        with store.lock:
            for page_id in ids:
                store.pages.pop(page_id, None)
        return Response(status_code=204)
    channel = request.query_params.get("channel_id")
    with store.lock:
        found = [
            _page_view(p, request)
            for p in sorted(store.pages.values(), key=lambda p: p["id"])
            if channel is None or str(p["channel_id"]) == channel
        ]
    return v3_list(request, found)


async def page(request: Request) -> Response:
    store = store_of(request)
    page_id = request.path_params["page_id"]
    with store.lock:
        found = store.pages.get(page_id)
        if found is None:
            return not_found("page")
        if request.method == "DELETE":
            store.pages.pop(page_id)
            return Response(status_code=204)
    if request.method == "PUT":
        body = await json_body(request)
        with store.lock:
            problem = _page_problem(store, body, page_id)
            if problem:
                return error(*problem)
            current = store.pages.get(page_id)
            if current is None:
                return not_found("page")
            found = dict(current, **{k: v for k, v in body.items() if k != "id"})
            store.pages[page_id] = found
    return JSONResponse({"data": _page_view(found, request), "meta": {}})


V2_ROUTES = [
    Route("/store", store_information, methods=["GET"]),
    Route("/time", server_time, methods=["GET"]),
]
V3_ROUTES = [
    Route("/hooks", hooks, methods=["GET", "POST"]),
    Route("/hooks/admin", hooks_admin, methods=["GET", "PUT"]),
    Route("/hooks/{hook_id:int}", hook, methods=["GET", "PUT", "DELETE"]),
    Route("/content/pages", pages, methods=["GET", "POST", "DELETE"]),
    Route("/content/pages/{page_id:int}", page, methods=["GET", "PUT", "DELETE"]),
]
