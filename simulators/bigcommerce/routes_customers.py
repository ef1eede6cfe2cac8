"""Customers v3 (with include=, date filters, cursor pagination), attributes, form fields; v2 groups."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bcx.bigcommerce.models.common import parse_bc_datetime
from simulators.bigcommerce import mutations
from simulators.bigcommerce.gen_people import ATTRIBUTES, customer_group
from simulators.bigcommerce.names import CUSTOMER_GROUPS
from simulators.bigcommerce.paging import (
    cursor_window,
    error,
    ids_param,
    json_body,
    not_found,
    store_of,
    v2_list,
    v3_cursor_list,
    v3_list,
)
from simulators.bigcommerce.timefmt import iso

_INCLUDABLE = {
    "addresses": "addresses",
    "attributes": "attributes",
    "formfields": "form_fields",
    "storecredit": "store_credit_amounts",
}


def _shape(customer: dict[str, Any], include: set[str]) -> dict[str, Any]:
    """Sub-resources appear only when ``include=`` names them, as in BigCommerce."""
    hidden = {field for name, field in _INCLUDABLE.items() if name not in include}
    return {key: value for key, value in customer.items() if key not in hidden}


async def customers(request: Request) -> Response:
    store = store_of(request)
    if request.method == "POST":
        body = await json_body(request)
        if not isinstance(body, list) or not body:
            return error(422, "body must be a non-empty array of customers")
        try:
            with store.lock:
                created = [mutations.create_customer(store, item) for item in body]
        except (mutations.InvalidInput, TypeError, AttributeError) as exc:
            return error(422, str(exc))
        return JSONResponse({"data": created, "meta": {}})
    if request.method == "DELETE":
        ids = ids_param(request, "id:in")
        if not ids:
            return error(422, "id:in is required")
        with store.lock:
            store.deleted_customers.update(ids)
        return Response(status_code=204)
    include = set((request.query_params.get("include") or "").split(","))
    ids = ids_param(request, "id:in")
    lo = request.query_params.get("date_modified:min")
    hi = request.query_params.get("date_modified:max")
    lo_iso = iso(parse_bc_datetime(lo)) if lo else None
    hi_iso = iso(parse_bc_datetime(hi)) if hi else None
    group_filter = ids_param(request, "customer_group_id:in")
    sort = request.query_params.get("sort", "")
    with store.lock:
        if ids is not None:
            entries = sorted(
                (c["date_modified"], cid) for cid in set(ids) if (c := store.customer(cid)) is not None
            )
        else:
            entries = store.customers_by_modified()
        entries = [
            e for e in entries if (lo_iso is None or e[0] >= lo_iso) and (hi_iso is None or e[0] <= hi_iso)
        ]
        if not sort.startswith("date_modified"):
            entries = sorted(entries, key=lambda e: e[1])
        elif sort.endswith(":desc"):
            entries = entries[::-1]
        keys = [cid for _, cid in entries]
        if group_filter is not None:
            keys = [
                cid
                for cid in keys
                if (c := store.customer(cid)) is not None and c["customer_group_id"] in group_filter
            ]
        window, meta = cursor_window(request, keys)
        data = [_shape(c, include) for cid in window if (c := store.customer(cid)) is not None]
    return JSONResponse({"data": data, "meta": meta})


async def attributes(request: Request) -> Response:
    stamp = "2024-01-01T00:00:00Z"
    return v3_list(request, [dict(a, date_created=stamp, date_modified=stamp) for a in ATTRIBUTES])


async def attribute_values(request: Request) -> Response:
    store = store_of(request)
    ids = ids_param(request, "customer_id:in") or []
    with store.lock:
        values = [v for cid in ids if (c := store.customer(cid)) is not None for v in c["attributes"]]
    return v3_list(request, values)


async def form_field_values(request: Request) -> Response:
    store = store_of(request)
    raw = request.query_params.get("customer_id")
    with store.lock:
        found = store.customer(int(raw)) if raw and raw.isdigit() else None
    return v3_cursor_list(request, found["form_fields"] if found else [], key="customer_id")


async def group(request: Request) -> Response:
    found = customer_group(request.path_params["group_id"])
    return JSONResponse(found) if found is not None else not_found("customer group")


async def groups(request: Request) -> Response:
    return v2_list(request, [customer_group(gid) for gid, _ in CUSTOMER_GROUPS])


V2_ROUTES = [
    Route("/customer_groups", groups, methods=["GET"]),
    Route("/customer_groups/{group_id:int}", group, methods=["GET"]),
]
V3_ROUTES = [
    Route("/customers", customers, methods=["GET", "POST", "DELETE"]),
    Route("/customers/attributes", attributes, methods=["GET"]),
    Route("/customers/attribute-values", attribute_values, methods=["GET"]),
    Route("/customers/form-field-values", form_field_values, methods=["GET"]),
]
