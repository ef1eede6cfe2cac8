"""Snapshot builders for the marketing tests: small, valid records with only what the fold reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bcx.contracts.commerce_carts import Cart, CartCurrency, CartLineItem, CartLineItems, CartSnapshotRecord
from bcx.contracts.commerce_common import Trigger
from bcx.contracts.commerce_customers import Customer, CustomerAddress, CustomerGroup, CustomerSnapshotRecord
from bcx.contracts.commerce_orders import Order, OrderProduct, OrderSnapshotRecord, Refund
from bcx.contracts.commerce_products import Product, ProductSnapshotRecord
from bcx.contracts.commerce_profiles import CustomerProfile
from bcx.contracts.commerce_refunds import RefundSnapshotRecord
from bcx.contracts.marketing_profiles import MarketingProfile

STORE = "abc123"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def trigger(scope: str, at: datetime, resource: str = "1") -> Trigger:
    return Trigger(
        event_id=f"ev-{scope}-{resource}-{at.timestamp():.0f}",
        scope=scope,
        resource_type=scope.split("/")[1],
        resource_id=resource,
        created_at=at,
    )


def _envelope(entity_type: str, entity_id: str, at: datetime, scope: str) -> dict[str, object]:
    return {
        "snapshot_id": f"{entity_type}-{entity_id}-{at.timestamp():.0f}",
        "store_hash": STORE,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "date_modified": at,
        "fetched_at": at,
        "content_digest": "0" * 64,
        "trigger": trigger(scope, at, entity_id),
        "producer_version": "test",
    }


def customer(
    customer_id: int,
    *,
    at: datetime = T0,
    marketing: bool = True,
    cart_emails: bool = True,
    do_not_mail: bool = False,
    address: bool = True,
    group: str = "Retail",
    extra: dict[str, str] | None = None,
) -> CustomerSnapshotRecord:
    attributes = {"marketing_consent": "yes" if marketing else "no", **(extra or {})}
    if do_not_mail:
        attributes["do_not_mail"] = "true"
    addresses = (
        [
            CustomerAddress(
                id=1,
                customer_id=customer_id,
                first_name="Ada",
                last_name="Lovelace",
                address1="1 Main St",
                city="Austin",
                state_or_province="Texas",
                postal_code="78701",
                country_code="US",
            )
        ]
        if address
        else []
    )
    return CustomerSnapshotRecord(
        **_envelope("customer", str(customer_id), at, "store/customer/updated"),
        customer=Customer(
            id=customer_id,
            email=f"c{customer_id}@example.com",
            first_name="Ada",
            last_name="Lovelace",
            customer_group_id=1,
            accepts_product_review_abandoned_cart_emails=cart_emails,
            addresses=addresses,
        ),
        group=CustomerGroup(id=1, name=group),
        attributes=attributes,
    )


def order(
    order_id: int,
    customer_id: int,
    *,
    at: datetime = T0,
    total: str = "100",
    status: int = 10,
    products: tuple[tuple[int, tuple[int, ...]], ...] = ((11, (5,)),),
) -> OrderSnapshotRecord:
    return OrderSnapshotRecord(
        **_envelope("order", str(order_id), at, "store/order/created"),
        order=Order(
            id=order_id,
            customer_id=customer_id,
            status_id=status,
            date_created=at,
            total_inc_tax=Decimal(total),
            default_currency_code="USD",
        ),
        products=[
            OrderProduct(id=i + 1, order_id=order_id, product_id=pid, categories=list(cats))
            for i, (pid, cats) in enumerate(products)
        ],
    )


def cart(
    cart_id: str,
    customer_id: int,
    *,
    at: datetime = T0,
    abandoned: bool = True,
    deleted: bool = False,
    accepts: bool | None = True,
) -> CartSnapshotRecord:
    scope = (
        "store/cart/abandoned" if abandoned else ("store/cart/converted" if deleted else "store/cart/updated")
    )
    body = (
        None
        if deleted
        else Cart(
            id=cart_id,
            customer_id=customer_id,
            email="c@example.com",
            currency=CartCurrency(code="USD"),
            cart_amount=Decimal("42.50"),
            line_items=CartLineItems(
                physical_items=[
                    CartLineItem(
                        product_id=11, variant_id=1, quantity=2, name="Tea", sale_price=Decimal("21.25")
                    )
                ]
            ),
        )
    )
    # what the enricher attaches: the registered customer (none for a guest) and their consent
    shopper = (
        CustomerProfile(
            id=customer_id,
            email=f"cart-{customer_id}@example.com",
            first_name="Cart",
            last_name=f"Shopper {customer_id}",
            accepts_product_review_abandoned_cart_emails=bool(accepts),
        )
        if customer_id > 0 and not deleted
        else None
    )
    return CartSnapshotRecord(
        **_envelope("cart", cart_id, at, scope),
        abandoned=abandoned,
        deleted=deleted,
        cart=body,
        customer=shopper,
        accepts_abandoned_cart_emails=accepts if shopper is not None else None,
    )


def refund(refund_id: int, customer_id: int, *, at: datetime = T0) -> RefundSnapshotRecord:
    from bcx.contracts.commerce_profiles import CustomerProfile

    return RefundSnapshotRecord(
        **_envelope("refund", str(refund_id), at, "store/order/refund/created"),
        order_id=1,
        refund=Refund(id=refund_id, order_id=1, total_amount=Decimal("10")),
        customer=CustomerProfile(id=customer_id),
    )


def product(
    product_id: int, price: str, *, at: datetime = T0, categories: tuple[int, ...] = (5,)
) -> ProductSnapshotRecord:
    return ProductSnapshotRecord(
        **_envelope("product", str(product_id), at, "store/product/updated"),
        product=Product(
            id=product_id, name=f"Product {product_id}", price=Decimal(price), categories=list(categories)
        ),
    )


def days(n: float) -> timedelta:
    return timedelta(days=n)


def customer_profile_without_orders() -> MarketingProfile:
    return MarketingProfile(store_hash=STORE, customer_id=99)
