"""Orders: the full order snapshot (v2 order + sub-resources, v3 transactions and refunds), listings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

from bcx.bigcommerce.api.base import ApiGroup, data_of
from bcx.bigcommerce.models.common import format_rfc2822
from bcx.bigcommerce.models.orders import (
    Order,
    OrderCoupon,
    OrderProduct,
    OrderSnapshot,
    OrderTax,
    Refund,
    Shipment,
    ShippingAddress,
    Transaction,
)
from bcx.bigcommerce.pagination import iter_v2, iter_v3


class OrdersApi(ApiGroup):
    async def get_order_only(self, store_hash: str, order_id: int) -> Order:
        """``GET /v2/orders/{id}``; :class:`NotFound` (resource ``order``) when it does not exist."""
        response = await self.http.request(
            store_hash, "v2", "GET", f"/orders/{order_id}", resource="order", resource_id=order_id
        )
        return self._parse(Order, response.body, "order")

    async def get_order(self, store_hash: str, order_id: int) -> OrderSnapshot:
        """The order with products, shipping addresses, shipments, coupons, taxes, transactions, refunds.

        Eight calls (seven in parallel after the order itself, under the store's concurrency cap); seven when
        the order says no item has shipped (``items_shipped`` 0: a shipment always carries items, so there
        is none to list). A missing or unreadable ``items_shipped`` lists them.
        """
        return await self.get_order_parts(store_hash, await self.get_order_only(store_hash, order_id))

    async def get_order_parts(self, store_hash: str, order: Order) -> OrderSnapshot:
        """:meth:`get_order` after its first call: the sub-resources of an order already read (a caller can
        start other reads that depend on the order, such as its customer, in the meantime)."""
        order_id = order.id
        unshipped = "items_shipped" in order.model_fields_set and order.items_shipped == 0

        def v2(sub: str) -> AsyncIterator[object]:
            return iter_v2(
                self.http, store_hash, f"/orders/{order_id}/{sub}", resource="order", resource_id=order_id
            )

        def v3(sub: str) -> AsyncIterator[object]:
            return iter_v3(
                self.http, store_hash, f"/orders/{order_id}/{sub}", resource="order", resource_id=order_id
            )

        products, addresses, shipments, coupons, taxes, transactions, refunds = await asyncio.gather(
            self._collect(OrderProduct, v2("products"), "order products"),
            self._collect(ShippingAddress, v2("shipping_addresses"), "order shipping addresses"),
            self._collect(Shipment, v2("shipments"), "order shipments") if not unshipped else _none(),
            self._collect(OrderCoupon, v2("coupons"), "order coupons"),
            self._collect(OrderTax, v2("taxes"), "order taxes"),
            self._collect(Transaction, v3("transactions"), "order transactions"),
            self._collect(Refund, v3("payment_actions/refunds"), "order refunds"),
        )
        return OrderSnapshot(
            order=order,
            products=products,
            shipping_addresses=addresses,
            shipments=shipments,
            coupons=coupons,
            taxes=taxes,
            transactions=transactions,
            refunds=refunds,
        )

    async def list_orders(
        self, store_hash: str, *, since: datetime | None = None, status_id: int | None = None
    ) -> AsyncIterator[Order]:
        """Orders modified at or after ``since`` (all when ``None``), oldest modification first."""
        params: dict[str, object] = {"sort": "date_modified:asc"}
        if since is not None:
            params["min_date_modified"] = format_rfc2822(since)
        if status_id is not None:
            params["status_id"] = status_id
        async for item in iter_v2(self.http, store_hash, "/orders", params=params):
            yield self._parse(Order, item, "orders")

    async def get_shipment(self, store_hash: str, order_id: int, shipment_id: int) -> Shipment:
        response = await self.http.request(
            store_hash,
            "v2",
            "GET",
            f"/orders/{order_id}/shipments/{shipment_id}",
            resource="shipment",
            resource_id=shipment_id,
        )
        return self._parse(Shipment, response.body, "shipment")

    async def get_refund(self, store_hash: str, refund_id: int) -> Refund:
        """``GET /v3/orders/payment_actions/refunds/{refund_id}`` (the id a refund webhook carries)."""
        response = await self.http.request(
            store_hash,
            "v3",
            "GET",
            f"/orders/payment_actions/refunds/{refund_id}",
            resource="refund",
            resource_id=refund_id,
        )
        return self._parse(Refund, data_of(response.body, "refund"), "refund")

    async def update_order_status(self, store_hash: str, order_id: int, status_id: int) -> Order:
        """``PUT /v2/orders/{id}`` with ``{"status_id": …}``."""
        response = await self.http.request(
            store_hash,
            "v2",
            "PUT",
            f"/orders/{order_id}",
            json={"status_id": status_id},
            resource="order",
            resource_id=order_id,
        )
        return self._parse(Order, response.body, "order")

    async def list_order_refunds(self, store_hash: str, order_id: int) -> list[Refund]:
        response = await self.http.request(
            store_hash,
            "v3",
            "GET",
            f"/orders/{order_id}/payment_actions/refunds",
            resource="order",
            resource_id=order_id,
        )
        return self._parse_list(Refund, data_of(response.body, "refunds"), "refunds")


async def _none() -> list[Shipment]:
    return []
