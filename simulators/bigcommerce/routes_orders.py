"""Orders v2 (orders and sub-resources, shipments, statuses) and v3 (transactions, refunds)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bcx.bigcommerce.models.common import parse_bc_datetime
from simulators.bigcommerce import mutations
from simulators.bigcommerce.gen_orders import STATUS_NAMES
from simulators.bigcommerce.paging import (
    error,
    ids_param,
    int_param,
    json_body,
    not_found,
    store_of,
    v2_list,
    v3_list,
)


def _when(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return float(parse_bc_datetime(raw).timestamp())
    except (ValueError, TypeError):
        return None


def _created(record: Any) -> float | None:
    try:
        return float(parse_bc_datetime(record["order"]["date_created"]).timestamp())
    except (ValueError, TypeError, KeyError):
        return None


def _order_ids(request: Request) -> list[int]:
    """Ids of live orders in the requested order, filtered by modification date and ``min_id``."""
    store = store_of(request)
    lo, hi = _when(request, "min_date_modified"), _when(request, "max_date_modified")
    min_id = int(request.query_params.get("min_id", "0") or 0)
    sort = request.query_params.get("sort", "id:asc")
    entries = store.orders_by_modified()
    if not sort.startswith("date_modified"):
        entries = sorted(entries, key=lambda entry: entry[1])
    ids = [
        oid for ts, oid in entries if (lo is None or ts >= lo) and (hi is None or ts <= hi) and oid >= min_id
    ]
    if sort.endswith(":desc"):
        ids.reverse()
    return ids


async def list_orders(request: Request) -> Response:
    store = store_of(request)
    status = request.query_params.get("status_id")
    customer = request.query_params.get("customer_id")
    created_before = _when(request, "max_date_created")
    page = int_param(request, "page", 1)
    limit = int_param(request, "limit", 50, maximum=250)
    with store.lock:
        ids = _order_ids(request)
        if status is None and customer is None and created_before is None:
            # Only the requested page is generated, so listing a 100k-order store stays cheap.
            window = ids[(page - 1) * limit : page * limit]
            orders = [record["order"] for oid in window if (record := store.order_record(oid)) is not None]
            return JSONResponse(orders)  # the spec defines only 200 for GET /v2/orders
        matching = []
        for oid in ids:
            record = store.order_record(oid)
            if record is None:
                continue
            if status is not None and str(record["order"]["status_id"]) != status:
                continue
            if customer is not None and str(record["order"]["customer_id"]) != customer:
                continue
            created = _created(record)
            if created_before is not None and (created is None or created > created_before):
                continue
            matching.append(record["order"])
    return v2_list(request, matching)


async def count_orders(request: Request) -> Response:
    store = store_of(request)
    with store.lock:
        total = len(store.orders_by_modified())
    return JSONResponse({"count": total})


async def create_order(request: Request) -> Response:
    store = store_of(request)
    body = await json_body(request)
    try:
        with store.lock:
            record = mutations.create_order(store, body if isinstance(body, dict) else {})
    except mutations.InvalidInput as exc:
        return error(400, str(exc))
    return JSONResponse(record["order"], status_code=201)


async def order(request: Request) -> Response:
    store = store_of(request)
    order_id = request.path_params["order_id"]
    if request.method == "PUT":
        body = await json_body(request)
        if not isinstance(body, dict) or "status_id" not in body:
            return error(400, "only status_id updates are simulated")
        try:
            with store.lock:
                record = mutations.set_order_status(store, order_id, int(body["status_id"]))
        except (mutations.InvalidInput, ValueError) as exc:
            return error(400, str(exc))
    elif request.method == "DELETE":
        with store.lock:
            record = store.order_record(order_id)
            if record is not None:
                store.deleted_orders.add(order_id)
                store._modified_index = None
        return Response(status_code=204) if record is not None else not_found("order")
    else:
        with store.lock:
            record = store.order_record(order_id)
    return JSONResponse(record["order"]) if record is not None else not_found("order")


def _sub(name: str) -> Any:
    async def endpoint(request: Request) -> Response:
        store = store_of(request)
        with store.lock:
            record = store.order_record(request.path_params["order_id"])
        if record is None:
            return not_found("order")
        return v2_list(request, record[name], empty_204=name == "shipments")

    return endpoint


async def shipments(request: Request) -> Response:
    if request.method == "GET":
        handler: Response = await _sub("shipments")(request)
        return handler
    store = store_of(request)
    body = await json_body(request)
    try:
        with store.lock:
            shipment = mutations.add_shipment(store, request.path_params["order_id"], body)
    except (mutations.InvalidInput, ValueError, TypeError) as exc:
        return error(400, str(exc))
    return JSONResponse(shipment, status_code=201) if shipment is not None else not_found("order")


async def shipment(request: Request) -> Response:
    store = store_of(request)
    with store.lock:
        record = store.order_record(request.path_params["order_id"])
    found = (
        None
        if record is None
        else next((s for s in record["shipments"] if s["id"] == request.path_params["shipment_id"]), None)
    )
    return JSONResponse(found) if found is not None else not_found("shipment")


async def order_statuses(request: Request) -> Response:
    statuses = [
        {"id": i, "name": name, "system_label": name, "custom_label": name, "system_description": name}
        for i, name in enumerate(STATUS_NAMES)
    ]
    return JSONResponse([dict(status, order=i) for i, status in enumerate(statuses)])


async def transactions(request: Request) -> Response:
    store = store_of(request)
    with store.lock:
        record = store.order_record(request.path_params["order_id"])
    return v3_list(request, record["transactions"]) if record is not None else not_found("order")


async def order_refunds(request: Request) -> Response:
    store = store_of(request)
    order_id = request.path_params["order_id"]
    if request.method == "POST":
        body = await json_body(request)
        try:
            with store.lock:
                refund = mutations.add_refund(store, order_id, body if isinstance(body, dict) else {})
        except (mutations.InvalidInput, ValueError, TypeError) as exc:
            return error(422, str(exc))
        if refund is None:
            return not_found("order")
        return JSONResponse({"data": refund, "meta": {}}, status_code=201)
    with store.lock:
        record = store.order_record(order_id)
    return v3_list(request, record["refunds"]) if record is not None else not_found("order")


async def refund(request: Request) -> Response:
    store = store_of(request)
    with store.lock:
        found = store.find_refund(request.path_params["refund_id"])
    return JSONResponse({"data": found, "meta": {}}) if found is not None else not_found("refund")


async def all_refunds(request: Request) -> Response:
    store = store_of(request)
    order_ids = ids_param(request, "order_id:in") or []
    result: list[dict[str, Any]] = []
    with store.lock:
        for order_id in order_ids:
            record = store.order_record(order_id)
            if record is not None:
                result += record["refunds"]
    return v3_list(request, sorted(result, key=lambda r: r["id"]))


V2_ROUTES = [
    Route("/orders", list_orders, methods=["GET"]),
    Route("/orders", create_order, methods=["POST"]),
    Route("/orders/count", count_orders, methods=["GET"]),
    Route("/orders/{order_id:int}", order, methods=["GET", "PUT", "DELETE"]),
    Route("/orders/{order_id:int}/products", _sub("products"), methods=["GET"]),
    Route("/orders/{order_id:int}/shipping_addresses", _sub("shipping_addresses"), methods=["GET"]),
    Route("/orders/{order_id:int}/coupons", _sub("coupons"), methods=["GET"]),
    Route("/orders/{order_id:int}/taxes", _sub("taxes"), methods=["GET"]),
    Route("/orders/{order_id:int}/shipments", shipments, methods=["GET", "POST"]),
    Route("/orders/{order_id:int}/shipments/{shipment_id:int}", shipment, methods=["GET"]),
    Route("/order_statuses", order_statuses, methods=["GET"]),
]
V3_ROUTES = [
    Route("/orders/{order_id:int}/transactions", transactions, methods=["GET"]),
    Route("/orders/{order_id:int}/payment_actions/refunds", order_refunds, methods=["GET", "POST"]),
    Route("/orders/payment_actions/refunds/{refund_id:int}", refund, methods=["GET"]),
    Route("/orders/payment_actions/refunds", all_refunds, methods=["GET"]),
]
