"""B2B Edition: company with credit, payment terms, open invoices and users (``X-Auth-Token`` +
``X-Store-Hash``).

The store-wide lists (:meth:`B2bApi.list_companies`, :meth:`B2bApi.list_store_invoices`,
:meth:`B2bApi.list_receipts_since`) read 250 items per request: a statement run reads a whole store through
them instead of per-company calls, which the 150 requests/min B2B budget could not afford.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from bcx.bigcommerce.api.base import ApiGroup, data_of
from bcx.bigcommerce.errors import ClientError
from bcx.bigcommerce.models.b2b import (
    Company,
    CompanyCredit,
    CompanySnapshot,
    CompanyUser,
    Invoice,
    PaymentTerms,
    Receipt,
)
from bcx.bigcommerce.pagination import iter_b2b

#: invoice status 0 = open, 1 = partially paid (2 = completed is not "open").
OPEN_INVOICE_STATUSES = (0, 1)


class B2bApi(ApiGroup):
    async def get_company_only(self, store_hash: str, company_id: int) -> Company:
        response = await self.http.request(
            store_hash, "b2b", "GET", f"/companies/{company_id}", resource="company", resource_id=company_id
        )
        return self._parse(Company, data_of(response.body, "company"), "company")

    async def get_company_credit(self, store_hash: str, company_id: int) -> CompanyCredit | None:
        """``None`` when the store's credit feature is disabled (B2B answers 4xx then)."""
        try:
            response = await self.http.request(
                store_hash,
                "b2b",
                "GET",
                f"/companies/{company_id}/credit",
                resource="company",
                resource_id=company_id,
            )
        except ClientError:
            return None
        return self._parse(CompanyCredit, data_of(response.body, "company credit"), "company credit")

    async def get_payment_terms(self, store_hash: str, company_id: int) -> PaymentTerms:
        response = await self.http.request(
            store_hash,
            "b2b",
            "GET",
            f"/companies/{company_id}/payment-terms",
            resource="company",
            resource_id=company_id,
        )
        return self._parse(PaymentTerms, data_of(response.body, "payment terms"), "payment terms")

    async def list_invoices(
        self, store_hash: str, company_id: int, *, statuses: tuple[int, ...] = OPEN_INVOICE_STATUSES
    ) -> list[Invoice]:
        """The company's invoices with the given statuses (invoice portal ``GET /invoices``)."""
        invoices: list[Invoice] = []
        for status in statuses:
            invoices += await self._collect(
                Invoice,
                iter_b2b(
                    self.http,
                    store_hash,
                    "/invoices",
                    api="b2b_ip",
                    params={"customerId": str(company_id), "status": status},
                ),
                "invoices",
            )
        return sorted(invoices, key=lambda invoice: invoice.id)

    async def list_company_users(self, store_hash: str, company_id: int) -> list[CompanyUser]:
        """The company's users (Users API ``GET /users?companyId=``, 250 a page; Super Admins are not
        included, as B2B Edition documents)."""
        return await self._collect(
            CompanyUser,
            iter_b2b(self.http, store_hash, "/users", params={"companyId": company_id}),
            "company users",
        )

    async def find_customer_company(self, store_hash: str, customer_id: int) -> Company | None:
        """The company the BigCommerce customer is a Company user of (``GET /companies?customerId=``),
        ``None`` when the customer buys for no company."""
        response = await self.http.request(
            store_hash,
            "b2b",
            "GET",
            "/companies",
            params={"customerId": customer_id, "limit": 1},
            resource="company",
            resource_id=customer_id,
        )
        found = data_of(response.body, "companies")
        if not isinstance(found, list) or not found:
            return None
        return self._parse(Company, found[0], "companies")

    async def get_company(self, store_hash: str, company_id: int) -> CompanySnapshot:
        """The company with credit, payment terms, open invoices and users (``1 + 2 + 2 + 1`` calls)."""
        company = await self.get_company_only(store_hash, company_id)
        credit, terms, invoices, users = await asyncio.gather(
            self.get_company_credit(store_hash, company_id),
            self.get_payment_terms(store_hash, company_id),
            self.list_invoices(store_hash, company_id),
            self.list_company_users(store_hash, company_id),
        )
        return CompanySnapshot(
            company=company, credit=credit, payment_terms=terms, invoices=invoices, users=users
        )

    async def list_companies(self, store_hash: str, *, status: int | None = 1) -> AsyncIterator[Company]:
        """Every company with ``companyStatus`` (approved by default; ``None``: all), 250 per request."""
        params: dict[str, Any] = {"sortBy": "updatedAt", "orderBy": "ASC"}
        if status is not None:
            params["companyStatus"] = status
        # company.yaml's list answer caps pagination.limit below 250 (exclusiveMaximum)
        async for item in iter_b2b(self.http, store_hash, "/companies", params=params, limit=249):
            yield self._parse(Company, item, "companies")

    async def list_store_invoices(
        self,
        store_hash: str,
        *,
        status: int | None = None,
        begin: datetime | None = None,
        end: datetime | None = None,
        channel_ids: tuple[int, ...] = (),
    ) -> AsyncIterator[Invoice]:
        """The store's invoices (every company), filtered by status, creation time ``[begin, end]`` and/or
        channel (``channelIds``); 249 a page (the list's ``pagination.limit`` is below 250)."""
        params: dict[str, Any] = {}
        if status is not None:
            params["status"] = status
        if channel_ids:
            params["channelIds"] = list(channel_ids)
        if begin is not None and end is not None:
            params["beginDateAt"] = int(begin.timestamp())
            params["endDateAt"] = int(end.timestamp())
        invoices = iter_b2b(self.http, store_hash, "/invoices", api="b2b_ip", params=params, limit=249)
        async for item in invoices:
            yield self._parse(Invoice, item, "invoices")

    async def update_invoice_terms(self, store_hash: str, invoice_id: int, terms: str) -> None:
        """``PUT /invoices/{id}`` carrying ``termsConditions`` alone.

        The endpoint updates the fields a body carries (it requires none, and documents ``details`` as
        "completely replaced" when sent — so fields left out are kept): sending one field cannot undo a
        concurrent change to balances, status or details, which a read-modify-write of the whole invoice
        could. ``termsConditions`` is in the invoice and create schemas but not listed in the update body
        (which does not forbid other fields): an assumption to verify on a real store
        (docs/policy-publisher.md).
        """
        await self.http.request(
            store_hash,
            "b2b_ip",
            "PUT",
            f"/invoices/{invoice_id}",
            json={"termsConditions": terms},
            resource="invoice",
            resource_id=invoice_id,
        )

    async def list_receipts_since(self, store_hash: str, since: datetime) -> list[Receipt]:
        """The store's receipts created at or after ``since``: newest first, stopping at the first older
        page (``GET /receipts`` has no date filter, only ``sortBy=createdAt``)."""
        found: list[Receipt] = []
        params = {"sortBy": "createdAt", "orderBy": "DESC"}
        async for item in iter_b2b(self.http, store_hash, "/receipts", api="b2b_ip", params=params):
            receipt = self._parse(Receipt, item, "receipts")
            if receipt.created_at is not None and receipt.created_at < since:
                break
            found.append(receipt)
        return found
