"""One simulated store: generated data read lazily, plus an overlay of everything changed at runtime.

Nothing is generated up front: an order, customer or product is built from the seed when first asked for
(≈0.2 ms per order), so a store of 100k orders starts instantly and holds only what was mutated. Runtime
changes (status updates, shipments, refunds, new customers, price changes, hooks, pages) live in overlay
dictionaries that shadow the generated records.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bcx.bigcommerce.models.common import parse_bc_datetime
from simulators.bigcommerce import gen_catalog, gen_orders, gen_people
from simulators.bigcommerce.config import SimulatorConfig
from simulators.bigcommerce.gen_orders import order_times

Record = dict[str, Any]


def _default_pages() -> dict[int, Record]:
    pages = {}
    for page_id, name, url in (
        (1, "Shipping & Returns", "/shipping-returns/"),
        (2, "Terms and Conditions", "/terms-and-conditions/"),
        (3, "Privacy Policy", "/privacy-policy/"),
    ):
        pages[page_id] = {
            "id": page_id,
            "channel_id": 1,
            "name": name,
            "is_visible": True,
            "parent_id": 0,
            "sort_order": page_id,
            "type": "page",
            "is_homepage": False,
            "is_customers_only": False,
            "url": url,
            "meta_title": None,
            "meta_keywords": None,
            "meta_description": None,
            "search_keywords": None,
            "body": f"<h1>{name}</h1><p>Placeholder text.</p>",
        }
    return pages


class StoreState:
    """The data of one store; all access under :attr:`lock` (the app serves requests concurrently)."""

    def __init__(self, config: SimulatorConfig, store_hash: str, clock: Callable[[], datetime]) -> None:
        self.config = config
        self.store_hash = store_hash
        self.store_id = config.store_id(store_hash)
        self.seed = config.seed * 1000 + config.store_hashes.index(store_hash)
        self.clock = clock
        self.lock = threading.RLock()
        self.generated_orders = config.orders
        self.order_count = config.orders
        self.customer_count = config.customer_count
        self.product_count = config.products
        self.company_count = config.company_count
        self.orders: dict[int, Record] = {}
        self.deleted_orders: set[int] = set()
        self.customers: dict[int, Record] = {}
        self.deleted_customers: set[int] = set()
        self.products: dict[int, Record] = {}
        self.carts: dict[str, Record] = {}
        self.deleted_carts: set[str] = set()
        self._cart_index: dict[str, int] | None = None
        self.refund_orders: dict[int, int] = {}
        self.next_refund_id = (config.orders + 10) * 10
        self.pages = _default_pages()
        self.checkout_settings: dict[int, Record] = {}
        self.hooks: dict[int, Record] = {}
        self.hook_emails: list[str] = []
        self.deactivated_hooks: set[int] = set()
        self.blocked_domains: list[Record] = []
        self._modified_index: list[tuple[float, int]] | None = None
        self._customer_index: list[tuple[str, int]] | None = None

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    # --- orders ---------------------------------------------------------------------------------------
    def order_record(self, order_id: int) -> Record | None:
        """The full record (order + sub-resources); a copy-on-write entry once mutated."""
        if order_id in self.deleted_orders or not 1 <= order_id <= self.order_count:
            return None
        record = self.orders.get(order_id)
        if record is None:
            record = gen_orders.order(
                self.seed, self.generated_orders, order_id, self.customer_count, self.product_count
            )
            self._fix_links(record)
        return record

    def _fix_links(self, record: Record) -> None:
        for sub in ("products", "shipping_addresses", "coupons"):
            record["order"][sub]["url"] = record["order"][sub]["url"].replace("simstore1", self.store_hash)

    def mutable_order(self, order_id: int) -> Record | None:
        record = self.orders.get(order_id)
        if record is None:
            generated = self.order_record(order_id)
            if generated is None:
                return None
            record = copy.deepcopy(generated)
            self.orders[order_id] = record
        self._modified_index = None
        return record

    def orders_by_modified(self) -> list[tuple[float, int]]:
        """(date_modified, id) for every live order, ascending; rebuilt only after a change."""
        if self._modified_index is None:
            index = []
            for order_id in range(1, self.order_count + 1):
                if order_id in self.deleted_orders:
                    continue
                if order_id in self.orders:
                    moment = parse_bc_datetime(self.orders[order_id]["order"]["date_modified"])
                else:
                    moment = order_times(self.seed, self.generated_orders, order_id)[1]
                index.append((moment.timestamp(), order_id))
            index.sort()
            self._modified_index = index
        return self._modified_index

    def find_refund(self, refund_id: int) -> Record | None:
        order_id = self.refund_orders.get(refund_id, refund_id // 10)
        record = self.order_record(order_id)
        if record is None:
            return None
        return next((r for r in record["refunds"] if r["id"] == refund_id), None)

    # --- customers ------------------------------------------------------------------------------------
    def customer(self, customer_id: int) -> Record | None:
        if customer_id in self.deleted_customers or not 1 <= customer_id <= self.customer_count:
            return None
        found = self.customers.get(customer_id)
        if found is None:
            found = gen_people.customer(self.seed, customer_id, self.company_count)
        return found

    def customers_by_modified(self) -> list[tuple[str, int]]:
        """(date_modified ISO, id) of every live customer, ascending; built once, then after changes."""
        if self._customer_index is None:
            index = [
                (found["date_modified"], cid)
                for cid in range(1, self.customer_count + 1)
                if (found := self.customer(cid)) is not None
            ]
            index.sort()
            self._customer_index = index
        return self._customer_index

    # --- catalog --------------------------------------------------------------------------------------
    def product(self, product_id: int) -> Record | None:
        if not 1 <= product_id <= self.product_count:
            return None
        return self.products.get(product_id) or gen_catalog.product(self.seed, product_id)

    def cart(self, cart_id: str) -> Record | None:
        if cart_id in self.deleted_carts:
            return None
        if cart_id in self.carts:
            return self.carts[cart_id]
        if self._cart_index is None:
            self._cart_index = {
                gen_catalog.cart_id(self.seed, i): i for i in range(1, self.config.cart_count + 1)
            }
        index = self._cart_index.get(cart_id)
        if index is None:
            return None
        return gen_catalog.cart(self.seed, index, self.customer_count, self.product_count)

    def cart_for_token(self, token: str) -> str | None:
        for cart_id in self.carts:
            if gen_catalog.cart_token(cart_id) == token:
                return cart_id
        try:
            candidate = str(uuid.UUID(hex=token[::-1]))
        except ValueError:
            return None
        return candidate if self.cart(candidate) is not None else None

    # --- B2B ------------------------------------------------------------------------------------------
    def company(self, company_id: int) -> Record | None:
        if not 1 <= company_id <= self.company_count:
            return None
        return gen_people.company(self.seed, company_id)

    # --- store ----------------------------------------------------------------------------------------
    def store_information(self) -> Record:
        return {
            "id": self.store_hash,
            "account_uuid": "00000000-0000-4000-8000-000000000001",
            "domain": f"{self.store_hash}.example.com",
            "secure_url": f"https://{self.store_hash}.example.com",
            "control_panel_base_url": f"https://store-{self.store_hash}.mybigcommerce.com",
            "status": "live",
            "name": f"Simulated Store {self.store_hash}",
            "first_name": "Store",
            "last_name": "Owner",
            "address": "1 Market St\nAustin, Texas 78701\nUnited States",
            "country": "United States",
            "country_code": "US",
            "infrastructure_region": "us-central1",
            "phone": "+1 555 0100",
            "admin_email": "owner@example.com",
            "order_email": "orders@example.com",
            "favicon_url": "",
            "timezone": {
                "name": "America/Chicago",
                "raw_offset": -21600,
                "dst_offset": -18000,
                "dst_correction": True,
                "date_format": {
                    "display": "jS M Y",
                    "export": "M jS Y",
                    "extended_display": "M jS Y @ g:i A",
                },
            },
            "language": "en",
            "currency": "USD",
            "currency_symbol": "$",
            "decimal_separator": ".",
            "thousands_separator": ",",
            "decimal_places": 2,
            "currency_symbol_location": "left",
            "weight_units": "kg",
            "dimension_units": "Centimeters",
            "dimension_decimal_places": 2,
            "dimension_decimal_token": ".",
            "dimension_thousands_token": ",",
            "plan_name": "Pro",
            "plan_level": "Pro",
            "plan_is_trial": False,
            "industry": "Retail",
            "logo": [],
            "is_price_entered_with_tax": False,
            "store_id": self.store_id,
            "default_channel_id": 1,
            "default_site_id": 1000,
            "active_comparison_modules": [],
            "features": {
                "stencil_enabled": True,
                "sitewidehttps_enabled": True,
                "facebook_catalog_id": "",
                "checkout_type": "optimized",
                "wishlists_enabled": True,
                "graphql_storefront_api_enabled": True,
                "shopper_consent_tracking_enabled": False,
                "multi_storefront_enabled": False,
                "storefront_limits": {"active": 1, "total_including_inactive": 1},
            },
        }
