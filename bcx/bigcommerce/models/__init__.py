"""Typed pydantic models of the BigCommerce resources bcx reads and writes.

Money is ``Decimal``; dates are timezone-aware ``datetime``; every model keeps undeclared fields.
"""

from bcx.bigcommerce.models.b2b import (
    Company,
    CompanyCredit,
    CompanySnapshot,
    CompanyUser,
    Invoice,
    PaymentTerms,
)
from bcx.bigcommerce.models.carts import AbandonedCart, Cart, CartLineItem
from bcx.bigcommerce.models.catalog import (
    CustomField,
    PriceListAssignment,
    PriceListRecord,
    Product,
    ProductCategories,
    ProductSnapshot,
    Variant,
)
from bcx.bigcommerce.models.common import BcModel, Money
from bcx.bigcommerce.models.content import Page, PageInput
from bcx.bigcommerce.models.customers import (
    Attribute,
    AttributeValue,
    Customer,
    CustomerAddress,
    CustomerGroup,
    CustomerSnapshot,
    FormFieldValue,
)
from bcx.bigcommerce.models.orders import (
    ORDER_STATUS_NAMES,
    Order,
    OrderCoupon,
    OrderProduct,
    OrderSnapshot,
    OrderStatus,
    OrderTax,
    Refund,
    Shipment,
    ShippingAddress,
    Transaction,
)
from bcx.bigcommerce.models.store import StoreInformation
from bcx.bigcommerce.models.webhooks import (
    AdminHook,
    BlockedDomain,
    HooksAdmin,
    Webhook,
    WebhookCallback,
    WebhookInput,
)

__all__ = [
    "ORDER_STATUS_NAMES",
    "AbandonedCart",
    "AdminHook",
    "Attribute",
    "AttributeValue",
    "BcModel",
    "BlockedDomain",
    "Cart",
    "CartLineItem",
    "Company",
    "CompanyCredit",
    "CompanySnapshot",
    "CompanyUser",
    "CustomField",
    "Customer",
    "CustomerAddress",
    "CustomerGroup",
    "CustomerSnapshot",
    "FormFieldValue",
    "HooksAdmin",
    "Invoice",
    "Money",
    "Order",
    "OrderCoupon",
    "OrderProduct",
    "OrderSnapshot",
    "OrderStatus",
    "OrderTax",
    "Page",
    "PageInput",
    "PaymentTerms",
    "PriceListAssignment",
    "PriceListRecord",
    "Product",
    "ProductCategories",
    "ProductSnapshot",
    "Refund",
    "Shipment",
    "ShippingAddress",
    "StoreInformation",
    "Transaction",
    "Variant",
    "Webhook",
    "WebhookCallback",
    "WebhookInput",
]
