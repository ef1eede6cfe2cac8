"""Customers (v3) with attributes, form fields and group (v2 customer groups)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from bcx.bigcommerce.api.base import ApiGroup, data_of
from bcx.bigcommerce.errors import NotFound
from bcx.bigcommerce.models.customers import Attribute, Customer, CustomerGroup, CustomerSnapshot
from bcx.bigcommerce.pagination import iter_v2, iter_v3, iter_v3_cursor

_INCLUDE = "addresses,attributes,formfields,storecredit"


class CustomersApi(ApiGroup):
    async def get_customer(self, store_hash: str, customer_id: int) -> CustomerSnapshot:
        """The customer with addresses, attributes (by name), form fields and customer group.

        Three calls: the customer, the attribute definitions, the group (skipped for group 0). A caller
        that keeps the store-wide definitions and groups reads :meth:`get_customer_only` and composes with
        :func:`customer_snapshot` instead (one call).
        """
        customer = await self.get_customer_only(store_hash, customer_id)
        names: dict[int, str] = {}
        if customer.attributes:
            names = {a.id: a.name for a in await self.list_customer_attributes(store_hash)}
        group = None
        if customer.customer_group_id:
            try:
                group = await self.get_customer_group(store_hash, customer.customer_group_id)
            except NotFound:
                group = None
        return customer_snapshot(customer, names, group)

    async def get_customer_only(self, store_hash: str, customer_id: int) -> Customer:
        """``GET /v3/customers?id:in=&include=addresses,attributes,formfields,storecredit`` (one call);
        :class:`NotFound` (resource ``customer``) when no customer has that id."""
        response = await self.http.request(
            store_hash,
            "v3",
            "GET",
            "/customers",
            params={"id:in": str(customer_id), "include": _INCLUDE},
            resource="customer",
            resource_id=customer_id,
        )
        found = self._parse_list(Customer, data_of(response.body, "customers"), "customers")
        if not found:
            raise NotFound(
                f"customer {customer_id} not found on store {store_hash}",
                resource="customer",
                resource_id=str(customer_id),
                store_hash=store_hash,
                status=404,
            )
        return found[0]

    async def list_customer_attributes(self, store_hash: str) -> list[Attribute]:
        """The store's customer attribute definitions (``GET /v3/customers/attributes``): id → name."""
        return await self._collect(
            Attribute, iter_v3(self.http, store_hash, "/customers/attributes"), "customer attributes"
        )

    async def list_customer_groups(self, store_hash: str) -> list[CustomerGroup]:
        """Every customer group of the store (``GET /v2/customer_groups``, 250 a page)."""
        return await self._collect(
            CustomerGroup, iter_v2(self.http, store_hash, "/customer_groups"), "customer groups"
        )

    async def get_customer_group(self, store_hash: str, group_id: int) -> CustomerGroup:
        response = await self.http.request(
            store_hash,
            "v2",
            "GET",
            f"/customer_groups/{group_id}",
            resource="customer_group",
            resource_id=group_id,
        )
        return self._parse(CustomerGroup, response.body, "customer group")

    async def list_customers(
        self, store_hash: str, *, since: datetime | None = None
    ) -> AsyncIterator[Customer]:
        """Customers modified at or after ``since``, oldest modification first (cursor pagination)."""
        params: dict[str, object] = {"sort": "date_modified:asc", "include": _INCLUDE}
        if since is not None:
            params["date_modified:min"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        async for item in iter_v3_cursor(self.http, store_hash, "/customers", params=params):
            yield self._parse(Customer, item, "customers")


def customer_snapshot(
    customer: Customer, names: dict[int, str], group: CustomerGroup | None
) -> CustomerSnapshot:
    """``customer`` with its attribute values keyed by name (``names``: definition id → name; an unknown id
    keeps its number as the name) and its ``group``."""
    return CustomerSnapshot(
        customer=customer,
        group=group,
        attributes={
            names.get(a.attribute_id, str(a.attribute_id)): a.attribute_value for a in customer.attributes
        },
    )
