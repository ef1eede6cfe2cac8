"""The BigCommerce client bcx's stages call: one object per process, every store through it.

``BigCommerceClient(settings)`` (``transport=``, ``clock=``, ``sleep=`` injectable for tests) gives
the high-level reads the enricher needs, each returning typed snapshots:

- :meth:`get_order` → :class:`OrderSnapshot` (order, products, shipping addresses, shipments, coupons, taxes,
  transactions, refunds); :meth:`get_refund`, :meth:`get_shipment`, :meth:`list_orders` (since a date);
- :meth:`get_customer` → :class:`CustomerSnapshot`; :meth:`list_customers` (since a date);
- :meth:`get_cart`, :meth:`get_abandoned_cart`, :meth:`get_product` → :class:`ProductSnapshot`;
- :meth:`get_company` → :class:`CompanySnapshot` (B2B Edition);
- :meth:`get_store_information`; hooks CRUD and :meth:`get_hooks_admin`; pages CRUD;
- :meth:`get_channel_checkout_settings` / :meth:`update_channel_checkout_settings` (only the fields set).

A resource that does not exist raises :class:`bcx.bigcommerce.errors.NotFound` with ``resource`` and
``resource_id`` set; rate limits, retries and concurrency are handled below, in :mod:`bcx.bigcommerce.http`.
Responses are parsed field by field under :mod:`bcx.bigcommerce.tolerant`: ``on_coercion(entity, field)``
hears of every optional field whose value had to be dropped.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable

import httpx

from bcx.bigcommerce.api.admin import AdminApi
from bcx.bigcommerce.api.b2b import B2bApi
from bcx.bigcommerce.api.catalog import CatalogApi
from bcx.bigcommerce.api.checkout import CheckoutApi
from bcx.bigcommerce.api.customers import CustomersApi
from bcx.bigcommerce.api.orders import OrdersApi
from bcx.bigcommerce.http import BigCommerceHttp
from bcx.bigcommerce.settings import BigCommerceSettings
from bcx.bigcommerce.tolerant import CoercionSink


class BigCommerceClient(OrdersApi, CustomersApi, CatalogApi, B2bApi, AdminApi, CheckoutApi):
    """Async client for BigCommerce REST v2/v3 and B2B Edition; use as ``async with``."""

    def __init__(
        self,
        settings: BigCommerceSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        on_coercion: CoercionSink | None = None,
    ) -> None:
        self.http = BigCommerceHttp(settings, transport=transport, clock=clock, sleep=sleep, jitter=jitter)
        self.on_coercion = on_coercion

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> BigCommerceClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()
