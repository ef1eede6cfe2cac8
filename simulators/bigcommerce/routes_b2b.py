"""B2B Edition: companies, credit, payment terms, users (``/api/v3/io``), invoices and receipts
(``/api/v3/io/ip``). Invoices are created (``POST``) and updated (``PUT``, only the fields sent).

List filters follow the specs: companies by ``companyStatus`` and ``customerId``; invoices by
``customerId``, ``status``, ``channelIds`` and creation time ``beginDateAt``/``endDateAt`` (inclusive);
receipts sorted by ``createdAt`` (``orderBy`` DESC by default), which is how a client reads "since"
without a date filter.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.bigcommerce import gen_people
from simulators.bigcommerce.paging import b2b_envelope, b2b_list, json_body, store_of


def _missing(what: str) -> JSONResponse:
    return JSONResponse({"code": 404, "data": {}, "meta": {"message": f"{what} not found"}}, status_code=404)


def _int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    return int(raw) if raw is not None and raw.strip().lstrip("-").isdigit() else None


async def companies(request: Request) -> Response:
    store = store_of(request)
    ids = range(1, store.company_count + 1)
    customer = request.query_params.get("customerId")
    if customer is not None:
        # company N's users are customers 2N-1 and 2N (see gen_people.customer's is_b2b)
        first = (int(customer) + 1) // 2 if customer.isdigit() else 0
        ids = range(first, first + 1)
    status = _int(request, "companyStatus")
    with store.lock:
        found = [
            c for cid in ids if 1 <= cid <= store.company_count and (c := store.company(cid)) is not None
        ]
    if status is not None:
        found = [c for c in found if int(c["companyStatus"]) == status]
    # The list schema types bcGroupId as an integer while the single-company schema types it as a string.
    found = [dict(c, bcGroupId=int(c["bcGroupId"])) for c in found]
    # company.yaml's list schema: pagination.limit has maximum 250 with exclusiveMaximum
    return b2b_list(request, found, maximum=249)


async def users(request: Request) -> Response:
    """Users API ``GET /users``: company N's users are customers 2N-1 (admin) and 2N (senior buyer)."""
    store = store_of(request)
    raw_company = request.query_params.get("companyId")
    if raw_company is not None and not raw_company.isdigit():
        return JSONResponse(
            {
                "code": 422,
                "meta": {"message": "Parameter Error"},
                "data": {"errMsg": {"companyId": ["invalid"]}},
            },
            status_code=422,
        )
    company_ids = [int(raw_company)] if raw_company else range(1, store.company_count + 1)
    email = request.query_params.get("email")
    found = []
    with store.lock:
        for company_id in company_ids:
            if store.company(company_id) is None:
                continue
            for position, customer_id in enumerate((2 * company_id - 1, 2 * company_id)):
                customer = store.customer(customer_id)
                if customer is not None and (email is None or customer["email"] == email):
                    found.append(gen_people.company_user(customer, company_id, position))
    return b2b_list(request, found)


async def company(request: Request) -> Response:
    store = store_of(request)
    found = store.company(request.path_params["company_id"])
    return b2b_envelope(found) if found is not None else _missing("company")


async def credit(request: Request) -> Response:
    store = store_of(request)
    company_id = request.path_params["company_id"]
    if store.company(company_id) is None:
        return _missing("company")
    return b2b_envelope(gen_people.company_credit(store.seed, company_id))


async def terms(request: Request) -> Response:
    store = store_of(request)
    company_id = request.path_params["company_id"]
    if store.company(company_id) is None:
        return _missing("company")
    return b2b_envelope(gen_people.payment_terms(store.seed, company_id))


def _channel_ids(request: Request) -> set[int]:
    """``channelIds`` (an array: repeated, or comma-separated)."""
    raw = [*request.query_params.getlist("channelIds"), *request.query_params.getlist("channelIds[]")]
    return {int(part) for value in raw for part in value.split(",") if part.strip().isdigit()}


async def invoices(request: Request) -> Response:
    store = store_of(request)
    company_id, status = _int(request, "customerId"), _int(request, "status")
    begin, end = _int(request, "beginDateAt"), _int(request, "endDateAt")
    channels = _channel_ids(request)
    with store.lock:
        book = store.receivables()
        found = book.invoices.get(company_id, []) if company_id is not None else book.all_invoices()
    if channels:
        found = [i for i in found if int(i.get("channelId") or 0) in channels]
    if status is not None:
        found = [i for i in found if i["status"] == status]
    if begin is not None and end is not None:
        found = [i for i in found if begin <= int(i["createdAt"]) <= end]
    return b2b_list(request, found)


async def invoice(request: Request) -> Response:
    store = store_of(request)
    with store.lock:
        found = store.receivables().by_id.get(request.path_params["invoice_id"])
    return b2b_envelope(found) if found is not None else _missing("invoice")


#: what ``PUT /invoices/{id}`` may carry (invoice-management.yaml's update body, plus the invoice's
#: ``termsConditions``), with its JSON type; read-only fields (customerName, updatedAt, …) are ignored
_TEXT = ("customerId", "externalCustomerId", "externalId", "invoiceNumber", "type", "orderNumber")
_UPDATABLE: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(_TEXT, (str,)),
    **dict.fromkeys(("purchaseOrderNumber", "externalPdfUrl", "termsConditions"), (str,)),
    **dict.fromkeys(("dueDate", "status", "source", "createdAt"), (int, float)),
    **dict.fromkeys(("details", "originalBalance", "openBalance"), (dict,)),
    "extraFields": (list,),
}


def _unprocessable(errors: dict[str, list[str]]) -> JSONResponse:
    body = {"code": 422, "meta": {"message": "Parameter Error"}, "data": {"errMsg": errors}}
    return JSONResponse(body, status_code=422)


async def update_invoice(request: Request) -> Response:
    """``PUT /invoices/{id}``: the fields the body carries replace the invoice's (``details`` as a whole);
    everything left out is kept; status becomes 2 (completed) when the open balance is ≤ 0."""
    body: Any = await json_body(request)
    if not isinstance(body, dict):
        return _unprocessable({"body": ["must be an object"]})
    changes = {k: v for k, v in body.items() if k in _UPDATABLE}
    errors = {
        k: [f"must be {' or '.join(t.__name__ for t in _UPDATABLE[k])}"]
        for k, v in changes.items()
        if isinstance(v, bool) or not isinstance(v, _UPDATABLE[k])
    }
    for money in ("originalBalance", "openBalance"):
        value = changes.get(money)
        if isinstance(value, dict) and not {"code", "value"} <= value.keys():
            errors[money] = ["needs code and value"]
    if errors:
        return _unprocessable(errors)
    store = store_of(request)
    with store.lock:
        found = store.receivables().by_id.get(request.path_params["invoice_id"])
        if found is None:
            return _missing("invoice")
        for money in ("originalBalance", "openBalance"):
            if money in changes:
                changes[money] = {k: str(v) for k, v in changes[money].items()}
        if "customerId" in changes and changes["customerId"] != found["customerId"]:
            return _unprocessable({"customerId": ["an invoice cannot move to another company here"]})
        found.update(changes)
        if float(found["openBalance"]["value"]) <= 0:
            found["status"] = 2
        found["updatedAt"] = str(int(store.now().timestamp()))
    return JSONResponse({"code": 200, "data": {"id": found["id"]}, "meta": {"message": "SUCCESS"}})


async def create_invoice(request: Request) -> Response:
    """``POST /invoices``: the spec's required fields; status follows the open balance (≤ 0 → completed)."""
    body: Any = await json_body(request)
    required = ("invoiceNumber", "originalBalance", "openBalance", "customerId")
    if not isinstance(body, dict) or any(k not in body for k in required):
        return JSONResponse({"code": 422, "data": {}, "meta": {"message": "missing fields"}}, status_code=422)
    store = store_of(request)
    with store.lock:
        book = store.receivables()
        book.next_id += 1
        issued = int(body.get("issuedAt") or store.now().timestamp())
        open_value = float(body["openBalance"]["value"])
        created = {
            "id": book.next_id,
            "customerId": str(body["customerId"]),
            "invoiceNumber": body["invoiceNumber"],
            "type": body.get("type", "Invoice"),
            "dueDate": int(body.get("dueDate") or issued + 30 * 86400),
            "status": 2 if open_value <= 0 else int(body.get("status", 0)),
            "orderNumber": str(body.get("orderNumber", "")),
            "purchaseOrderNumber": str(body.get("purchaseOrderNumber", "")),
            "details": body.get("details") or {"header": {}, "details": {}},
            "source": 1,
            "originalBalance": {k: str(v) for k, v in body["originalBalance"].items()},
            "openBalance": {k: str(v) for k, v in body["openBalance"].items()},
            "createdAt": str(issued),
            "updatedAt": str(issued),
            "channelId": str(body.get("channelId", 1)),
            "termsConditions": body.get("termsConditions", ""),
            "extraFields": [],
        }
        book.add(created)
    return JSONResponse({"code": 200, "data": {"id": created["id"]}, "meta": {"message": "SUCCESS"}})


async def receipts(request: Request) -> Response:
    store = store_of(request)
    descending = request.query_params.get("orderBy", "DESC").upper() != "ASC"
    with store.lock:
        found = list(store.receivables().receipts)
    if descending:
        found.reverse()
    return b2b_list(request, [dict(r, storeHash=store.store_hash) for r in found])


IO_ROUTES = [
    Route("/companies", companies, methods=["GET"]),
    Route("/companies/{company_id:int}", company, methods=["GET"]),
    Route("/companies/{company_id:int}/credit", credit, methods=["GET"]),
    Route("/companies/{company_id:int}/payment-terms", terms, methods=["GET"]),
    Route("/users", users, methods=["GET"]),
]
IP_ROUTES = [
    Route("/invoices", invoices, methods=["GET"]),
    Route("/invoices", create_invoice, methods=["POST"]),
    Route("/invoices/{invoice_id:int}", invoice, methods=["GET"]),
    Route("/invoices/{invoice_id:int}", update_invoice, methods=["PUT"]),
    Route("/receipts", receipts, methods=["GET"]),
]
