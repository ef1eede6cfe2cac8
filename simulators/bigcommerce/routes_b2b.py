"""B2B Edition: companies, credit, payment terms, users (``/api/v3/io``) and invoices (``/api/v3/io/ip``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulators.bigcommerce import gen_people
from simulators.bigcommerce.paging import b2b_envelope, b2b_list, store_of


def _missing(what: str) -> JSONResponse:
    return JSONResponse({"code": 404, "data": {}, "meta": {"message": f"{what} not found"}}, status_code=404)


async def companies(request: Request) -> Response:
    store = store_of(request)
    ids = range(1, store.company_count + 1)
    customer = request.query_params.get("customerId")
    if customer is not None:
        # company N's users are customers 2N-1 and 2N (see gen_people.customer's is_b2b)
        first = (int(customer) + 1) // 2 if customer.isdigit() else 0
        ids = range(first, first + 1)
    with store.lock:
        found = [
            c for cid in ids if 1 <= cid <= store.company_count and (c := store.company(cid)) is not None
        ]
    # The list schema types bcGroupId as an integer while the single-company schema types it as a string.
    found = [dict(c, bcGroupId=int(c["bcGroupId"])) for c in found]
    return b2b_list(request, found)


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


async def invoices(request: Request) -> Response:
    store = store_of(request)
    raw_company = request.query_params.get("customerId")
    raw_status = request.query_params.get("status")
    company_ids = (
        [int(raw_company)] if raw_company and raw_company.isdigit() else range(1, store.company_count + 1)
    )
    found = [
        i
        for cid in company_ids
        if store.company(cid) is not None
        for i in gen_people.invoices(store.seed, cid)
    ]
    if raw_status is not None and raw_status.isdigit():
        found = [i for i in found if i["status"] == int(raw_status)]
    return b2b_list(request, found)


async def invoice(request: Request) -> Response:
    store = store_of(request)
    invoice_id = request.path_params["invoice_id"]
    company_id = invoice_id // 10
    if store.company(company_id) is None:
        return _missing("invoice")
    found = next((i for i in gen_people.invoices(store.seed, company_id) if i["id"] == invoice_id), None)
    return b2b_envelope(found) if found is not None else _missing("invoice")


IO_ROUTES = [
    Route("/companies", companies, methods=["GET"]),
    Route("/companies/{company_id:int}", company, methods=["GET"]),
    Route("/companies/{company_id:int}/credit", credit, methods=["GET"]),
    Route("/companies/{company_id:int}/payment-terms", terms, methods=["GET"]),
    Route("/users", users, methods=["GET"]),
]
IP_ROUTES = [
    Route("/invoices", invoices, methods=["GET"]),
    Route("/invoices/{invoice_id:int}", invoice, methods=["GET"]),
]
