"""Changes the scenarios make, applied to a :class:`StoreState` the way BigCommerce applies them.

Each returns the changed resource (or ``None`` when it does not exist) and stamps ``date_modified``.
Callers hold ``state.lock``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from simulators.bigcommerce import gen_catalog, gen_orders, gen_payments
from simulators.bigcommerce.gen_orders import STATUS_NAMES, payment_status
from simulators.bigcommerce.state import Record, StoreState
from simulators.bigcommerce.timefmt import iso, rfc2822


class InvalidInput(ValueError):
    """The request body breaks a rule BigCommerce enforces (answered 400/422)."""


def _touch(state: StoreState, record: Record) -> None:
    record["order"]["date_modified"] = rfc2822(state.now())


def create_order(state: StoreState, body: dict[str, Any]) -> Record:
    """``POST /v2/orders``: a new order for ``customer_id`` with ``status_id`` (default 1 Pending)."""
    status = int(body.get("status_id", 1))
    if not 0 <= status <= 14:
        raise InvalidInput("status_id must be 0..14")
    customer_id = int(body.get("customer_id", 0))
    state.order_count += 1
    order_id = state.order_count
    record = gen_orders.order(
        state.seed,
        state.generated_orders,
        order_id,
        state.customer_count,
        state.product_count,
        status=status,
        customer_id=customer_id,
        created_at=state.now(),
    )
    state.orders[order_id] = record
    state._modified_index = None
    for refund in record["refunds"]:
        state.refund_orders[refund["id"]] = order_id
    return record


def set_order_status(state: StoreState, order_id: int, status: int) -> Record | None:
    """``PUT /v2/orders/{id}`` ``{"status_id": …}``."""
    if not 0 <= status <= 14:
        raise InvalidInput("status_id must be 0..14")
    record = state.mutable_order(order_id)
    if record is None:
        return None
    record["order"]["status_id"] = status
    record["order"]["status"] = STATUS_NAMES[status]
    record["order"]["payment_status"] = payment_status(status)
    _touch(state, record)
    return record


def add_shipment(state: StoreState, order_id: int, body: dict[str, Any]) -> Record | None:
    """``POST /v2/orders/{id}/shipments``: ships items; the order becomes Shipped or Partially Shipped."""
    record = state.mutable_order(order_id)
    if record is None:
        return None
    address = record["shipping_addresses"][0]
    if int(body.get("order_address_id", -1)) != address["id"]:
        raise InvalidInput("order_address_id does not belong to the order")
    products = {p["id"]: p for p in record["products"]}
    items = body.get("items") or []
    if not items:
        raise InvalidInput("items are required")
    for item in items:
        line = products.get(int(item.get("order_product_id", -1)))
        quantity = int(item.get("quantity", 0))
        if line is None or quantity < 1 or line["quantity_shipped"] + quantity > line["quantity"]:
            raise InvalidInput("invalid shipment item")
    for item in items:
        products[int(item["order_product_id"])]["quantity_shipped"] += int(item["quantity"])
    shipped = sum(p["quantity_shipped"] for p in record["products"])
    record["order"]["items_shipped"] = shipped
    address["items_shipped"] = shipped
    shipment_id = order_id * 10 + len(record["shipments"]) + 1
    keys = (
        "first_name",
        "last_name",
        "company",
        "street_1",
        "street_2",
        "city",
        "state",
        "zip",
        "country",
        "country_iso2",
        "phone",
        "email",
    )
    shipment = {
        "id": shipment_id,
        "order_id": order_id,
        "customer_id": record["order"]["customer_id"],
        "order_address_id": address["id"],
        "date_created": rfc2822(state.now()),
        "tracking_number": str(body.get("tracking_number", "")),
        "merchant_shipping_cost": "0.0000",
        "shipping_method": str(body.get("shipping_method", "Standard Shipping")),
        "shipping_provider": str(body.get("shipping_provider", "")),
        "tracking_carrier": str(body.get("tracking_carrier", "")),
        "tracking_link": "",
        "generated_tracking_link": "",
        "shipping_provider_display_name": str(body.get("tracking_carrier", "")).upper(),
        "comments": str(body.get("comments", "")),
        "billing_address": {k: record["order"]["billing_address"][k] for k in keys},
        "shipping_address": {k: address[k] for k in keys},
        "items": [
            {
                "order_product_id": int(i["order_product_id"]),
                "product_id": products[int(i["order_product_id"])]["product_id"],
                "quantity": int(i["quantity"]),
            }
            for i in items
        ],
    }
    record["shipments"].append(shipment)
    full = shipped >= record["order"]["items_total"]
    record["order"]["status_id"] = 2 if full else 3
    record["order"]["status"] = STATUS_NAMES[2 if full else 3]
    record["order"]["date_shipped"] = rfc2822(state.now())
    _touch(state, record)
    return shipment


def add_refund(state: StoreState, order_id: int, body: dict[str, Any]) -> Record | None:
    """``POST /v3/orders/{id}/payment_actions/refunds`` with PRODUCT items; status becomes 4 or 14."""
    record = state.mutable_order(order_id)
    if record is None:
        return None
    products = {p["id"]: p for p in record["products"]}
    items = body.get("items") or []
    refunded_lines = []
    for item in items:
        if item.get("item_type") != "PRODUCT":
            raise InvalidInput("only PRODUCT refund items are simulated")
        line = products.get(int(item.get("item_id", -1)))
        quantity = int(item.get("quantity", 0))
        if line is None or quantity < 1 or line["quantity_refunded"] + quantity > line["quantity"]:
            raise InvalidInput("invalid refund item")
        refunded_lines.append((line, quantity))
    if not refunded_lines:
        raise InvalidInput("items are required")
    amount = Decimal(0)
    for line, quantity in refunded_lines:
        line["quantity_refunded"] += quantity
        line["is_refunded"] = True
        amount += Decimal(line["price_inc_tax"]) * quantity
    refund_id = state.next_refund_id
    state.next_refund_id += 1
    state.refund_orders[refund_id] = order_id
    lines = [dict(line, quantity_refunded=quantity) for line, quantity in refunded_lines]
    refund = gen_payments.refund_record(
        refund_id, order_id, lines, amount, state.now(), str(body.get("reason", "Refund"))
    )
    record["refunds"].append(refund)
    currency = record["order"]["currency_code"]
    record["transactions"].append(
        gen_payments.transaction(
            order_id * 10 + len(record["transactions"]) + 1, order_id, "refund", amount, currency, state.now()
        )
    )
    everything = all(p["quantity_refunded"] >= p["quantity"] for p in record["products"])
    status = 4 if everything else 14
    record["order"]["status_id"] = status
    record["order"]["status"] = STATUS_NAMES[status]
    record["order"]["payment_status"] = payment_status(status)
    _touch(state, record)
    return refund


def create_customer(state: StoreState, body: dict[str, Any]) -> Record:
    """One element of ``POST /v3/customers``: email, names and optional group/attributes."""
    if not body.get("email") or not body.get("first_name") or not body.get("last_name"):
        raise InvalidInput("email, first_name and last_name are required")
    state.customer_count += 1
    customer_id = state.customer_count
    base = state.customer(customer_id) or {}
    stamp = iso(state.now())
    customer = dict(
        base,
        id=customer_id,
        email=body["email"],
        first_name=body["first_name"],
        last_name=body["last_name"],
        date_created=stamp,
        date_modified=stamp,
    )
    if "customer_group_id" in body:
        customer["customer_group_id"] = int(body["customer_group_id"])
    customer["addresses"] = [dict(a, customer_id=customer_id) for a in base.get("addresses", [])]
    state.customers[customer_id] = customer
    state._customer_index = None
    return customer


def update_product(state: StoreState, product_id: int, body: dict[str, Any]) -> Record | None:
    """``PUT /v3/catalog/products/{id}``: name/price/visibility changes (a price change)."""
    product = state.product(product_id)
    if product is None:
        return None
    allowed = {"name", "price", "sale_price", "retail_price", "is_visible", "description", "warranty"}
    unknown = set(body) - allowed - {"id"}
    if unknown:
        raise InvalidInput(f"fields not simulated: {sorted(unknown)}")
    updated = dict(product, **{k: v for k, v in body.items() if k in allowed})
    if "price" in body:
        updated["calculated_price"] = body["price"]
        base = updated["variants"][0]
        updated["variants"] = [dict(base, calculated_price=body["price"]), *updated["variants"][1:]]
    updated["date_modified"] = iso(state.now())
    state.products[product_id] = updated
    return updated


def abandon_cart(state: StoreState, cart_id: str) -> str | None:
    """Marks a cart untouched for two hours; returns its abandoned-cart token."""
    cart = state.cart(cart_id)
    if cart is None:
        return None
    stale = state.now() - timedelta(hours=2)
    state.carts[cart_id] = dict(cart, updated_time=iso(stale))
    return gen_catalog.cart_token(cart_id)


def create_cart(state: StoreState, body: dict[str, Any]) -> Record:
    """``POST /v3/carts`` with ``line_items`` [{product_id, quantity, variant_id?}] and ``customer_id``."""
    items = body.get("line_items") or []
    if not items:
        raise InvalidInput("line_items are required")
    template = gen_catalog.cart(state.seed, 1, state.customer_count, state.product_count)
    lines = []
    for item in items:
        product = state.product(int(item.get("product_id", 0)))
        if product is None:
            raise InvalidInput("unknown product")
        variant = next(
            (v for v in product["variants"] if v["id"] == item.get("variant_id")), product["variants"][0]
        )
        quantity = int(item.get("quantity", 1))
        price = float(variant["calculated_price"])
        line = dict(template["line_items"]["physical_items"][0])
        line.update(
            id=str(uuid.uuid4()),
            product_id=product["id"],
            variant_id=variant["id"],
            sku=variant["sku"],
            name=product["name"],
            quantity=quantity,
            list_price=price,
            sale_price=price,
            original_price=price,
            extended_list_price=round(price * quantity, 2),
            extended_sale_price=round(price * quantity, 2),
        )
        lines.append(line)
    total = round(sum(float(line["extended_sale_price"]) for line in lines), 2)
    stamp = iso(state.now())
    customer_id = int(body.get("customer_id", 0))
    cart = dict(
        template,
        id=str(uuid.uuid4()),
        customer_id=customer_id,
        base_amount=total,
        cart_amount=total,
        created_time=stamp,
        updated_time=stamp,
        email=f"customer{customer_id}@example.com" if customer_id else "guest@example.com",
        line_items={
            "physical_items": lines,
            "digital_items": [],
            "gift_certificates": [],
            "custom_items": [],
        },
    )
    state.carts[cart["id"]] = cart
    return cart
