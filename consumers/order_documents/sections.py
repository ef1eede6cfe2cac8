"""The sections every order document shares: customer, lines, coupons, taxes, shipping (the store and
address blocks come from the documents kit, :mod:`consumers.documents.sections`).

Pure functions from an :class:`~consumers.documents.orders.context.OrderContext` to JSON-ready dicts
(camelCase keys, as Exstream driver data usually are). Payment and totals live in
:mod:`consumers.order_documents.payments`.
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from bcx.bigcommerce.models import OrderProduct, OrderTax, Shipment, ShippingAddress
from consumers.documents.orders.context import OrderContext, decimal_extra, extra
from consumers.documents.presenter import Presenter
from consumers.documents.sections import address_block, full_name


def customer_section(context: OrderContext) -> dict[str, Any]:
    """Who bought: the registered customer when known, else the billing contact (guests)."""
    order = context.snapshot.order
    billing = order.billing_address
    section: dict[str, Any] = {
        "id": order.customer_id or None,
        "isGuest": order.customer_id == 0,
        "name": full_name(billing.first_name, billing.last_name),
        "firstName": billing.first_name,
        "lastName": billing.last_name,
        "company": billing.company,
        "email": billing.email,
        "phone": billing.phone,
        "group": None,
    }
    if context.customer is not None:
        customer = context.customer.customer
        section.update(
            name=full_name(customer.first_name, customer.last_name) or section["name"],
            firstName=customer.first_name or billing.first_name,
            lastName=customer.last_name or billing.last_name,
            company=customer.company or billing.company,
            email=customer.email or billing.email,
            phone=customer.phone or billing.phone,
            group=context.customer.group.name if context.customer.group else None,
        )
    return section


def _options(line: OrderProduct) -> str:
    return ", ".join(
        f"{o.display_name}: {o.display_value}" if o.display_name else o.display_value
        for o in line.product_options
        if o.display_value
    )


def _line_discount(line: OrderProduct) -> Decimal:
    discounts = extra(line, "applied_discounts") or []
    total = Decimal(0)
    for discount in discounts if isinstance(discounts, list) else []:
        if isinstance(discount, dict) and discount.get("amount") not in (None, ""):
            total += Decimal(str(discount["amount"]))
    return total


def line_items(context: OrderContext, show: Presenter) -> list[dict[str, Any]]:
    """The order lines with prices as the store shows them (tax-inclusive stores show gross prices)."""
    inclusive = context.snapshot.order.is_tax_inclusive_pricing
    lines = []
    for line in context.snapshot.products:
        discount = _line_discount(line)
        lines.append(
            {
                "id": line.id,
                "productId": line.product_id,
                "name": line.name_customer or line.name,
                "sku": line.sku,
                "options": _options(line),
                "type": line.type,
                "quantity": line.quantity,
                "quantityShipped": line.quantity_shipped,
                "quantityRefunded": line.quantity_refunded,
                "unitPrice": show.money(line.price_inc_tax if inclusive else line.price_ex_tax),
                "tax": show.money(line.total_tax),
                "discount": show.negative(discount) if discount else None,
                "total": show.money(line.total_inc_tax if inclusive else line.total_ex_tax),
            }
        )
    return lines


def coupons(context: OrderContext, show: Presenter) -> list[dict[str, Any]]:
    return [
        {"code": c.code or "", "discount": show.negative(c.discount), "type": c.type}
        for c in context.snapshot.coupons
    ]


def taxes(context: OrderContext, show: Presenter) -> list[dict[str, Any]]:
    """Tax per name and rate as BigCommerce itemises it (lines, shipping and handling summed per rate)."""
    groups: OrderedDict[tuple[str, Decimal], list[OrderTax]] = OrderedDict()
    for tax in sorted(context.snapshot.taxes, key=lambda t: (t.priority, t.id)):
        groups.setdefault((tax.name, tax.rate), []).append(tax)
    return [
        {
            "name": name,
            "class": str(extra(entries[0], "class") or ""),
            "rate": show.percent(rate),
            "ratePercent": f"{rate.normalize():f}",
            "amount": show.money(sum((t.line_amount for t in entries), Decimal(0))),
        }
        for (name, rate), entries in groups.items()
    ]


def _shipping_address(
    address: ShippingAddress, show: Presenter, home: str, inclusive: bool
) -> dict[str, Any]:
    return {
        **address_block(address, home),
        "id": address.id,
        "method": address.shipping_method,
        "zone": address.shipping_zone_name,
        "cost": show.money(address.cost_inc_tax if inclusive else address.cost_ex_tax),
        "itemCount": address.items_total,
    }


def shipping_addresses(context: OrderContext, show: Presenter) -> list[dict[str, Any]]:
    inclusive = context.snapshot.order.is_tax_inclusive_pricing
    home = context.store.country_code
    return [_shipping_address(a, show, home, inclusive) for a in context.snapshot.shipping_addresses]


def _shipment(shipment: Shipment, show: Presenter) -> dict[str, Any]:
    return {
        "id": shipment.id,
        "date": show.date(shipment.date_created),
        "method": shipment.shipping_method,
        "carrier": shipment.shipping_provider_display_name
        or shipment.tracking_carrier
        or shipment.shipping_provider,
        "trackingNumber": shipment.tracking_number,
        "trackingLink": shipment.tracking_link or shipment.generated_tracking_link,
        "itemCount": sum(item.quantity for item in shipment.items),
    }


def shipments(context: OrderContext, show: Presenter) -> list[dict[str, Any]]:
    return [_shipment(s, show) for s in context.snapshot.shipments]


def wrapping_cost(context: OrderContext) -> Decimal:
    order = context.snapshot.order
    name = "wrapping_cost_inc_tax" if order.is_tax_inclusive_pricing else "wrapping_cost_ex_tax"
    return decimal_extra(order, name)
