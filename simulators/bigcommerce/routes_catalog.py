"""Catalog products (variants, custom fields), price lists, carts and abandoned-cart tokens."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.bigcommerce import gen_catalog, mutations
from simulators.bigcommerce.paging import (
    error,
    ids_param,
    json_body,
    not_found,
    store_of,
    v3_cursor_list,
    v3_list,
)

_PRODUCT_INCLUDES = ("variants", "custom_fields", "images")


def _shape(product: dict[str, Any], include: set[str]) -> dict[str, Any]:
    return {k: v for k, v in product.items() if k not in _PRODUCT_INCLUDES or k in include}


async def product(request: Request) -> Response:
    store = store_of(request)
    product_id = request.path_params["product_id"]
    if request.method == "PUT":
        body = await json_body(request)
        try:
            with store.lock:
                found = mutations.update_product(store, product_id, body if isinstance(body, dict) else {})
        except mutations.InvalidInput as exc:
            return error(422, str(exc))
    else:
        with store.lock:
            found = store.product(product_id)
    if found is None:
        return not_found("product")
    include = set((request.query_params.get("include") or "").split(","))
    return JSONResponse({"data": _shape(found, include), "meta": {}})


async def products(request: Request) -> Response:
    store = store_of(request)
    include = set((request.query_params.get("include") or "").split(","))
    ids = ids_param(request, "id:in")
    with store.lock:
        candidates = ids if ids is not None else range(1, store.product_count + 1)
        found = [_shape(p, include) for pid in candidates if (p := store.product(pid)) is not None]
    return v3_list(request, found)


def _sub(name: str) -> Any:
    async def endpoint(request: Request) -> Response:
        store = store_of(request)
        with store.lock:
            found = store.product(request.path_params["product_id"])
        return v3_list(request, found[name]) if found is not None else not_found("product")

    return endpoint


async def price_lists(request: Request) -> Response:
    return v3_list(request, [p for pid, *_ in gen_catalog.PRICE_LISTS if (p := gen_catalog.price_list(pid))])


async def price_records(request: Request) -> Response:
    store = store_of(request)
    price_list_id = request.path_params["price_list_id"]
    if gen_catalog.price_list(price_list_id) is None:
        return not_found("price list")
    product_ids = ids_param(request, "product_id:in")
    with store.lock:
        candidates = product_ids if product_ids is not None else range(1, store.product_count + 1)
        records = [
            r
            for pid in candidates
            if (p := store.product(pid)) is not None
            for r in gen_catalog.price_records(price_list_id, p)
        ]
    return v3_cursor_list(request, records, key="variant_id")


async def assignments(request: Request) -> Response:
    return v3_cursor_list(request, gen_catalog.price_assignments())


async def cart(request: Request) -> Response:
    store = store_of(request)
    cart_id = request.path_params["cart_id"]
    with store.lock:
        found = store.cart(cart_id)
        if found is not None and request.method == "DELETE":
            store.deleted_carts.add(cart_id)
            return Response(status_code=204)
    return JSONResponse({"data": found, "meta": {}}) if found is not None else not_found("cart")


async def create_cart(request: Request) -> Response:
    store = store_of(request)
    body = await json_body(request)
    try:
        with store.lock:
            created = mutations.create_cart(store, body if isinstance(body, dict) else {})
    except (mutations.InvalidInput, ValueError, TypeError) as exc:
        return error(422, str(exc))
    return JSONResponse({"data": created, "meta": {}}, status_code=201)


async def abandoned_cart(request: Request) -> Response:
    store = store_of(request)
    with store.lock:
        cart_id = store.cart_for_token(request.path_params["token"])
    return (
        JSONResponse({"data": {"cart_id": cart_id}, "meta": {}}) if cart_id else not_found("abandoned cart")
    )


V3_ROUTES = [
    Route("/catalog/products", products, methods=["GET"]),
    Route("/catalog/products/{product_id:int}", product, methods=["GET", "PUT"]),
    Route("/catalog/products/{product_id:int}/variants", _sub("variants"), methods=["GET"]),
    Route("/catalog/products/{product_id:int}/custom-fields", _sub("custom_fields"), methods=["GET"]),
    Route("/pricelists", price_lists, methods=["GET"]),
    Route("/pricelists/assignments", assignments, methods=["GET"]),
    Route("/pricelists/{price_list_id:int}/records", price_records, methods=["GET"]),
    Route("/carts", create_cart, methods=["POST"]),
    Route("/carts/{cart_id}", cart, methods=["GET", "DELETE"]),
    Route("/abandoned-carts/{token}", abandoned_cart, methods=["GET"]),
]
