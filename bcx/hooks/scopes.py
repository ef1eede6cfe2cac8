"""Which BigCommerce webhook scopes each bcx use case needs. Pure data.

Scope names are the ones of the official callback catalogue (``reference/bigcommerce/webhooks.v3.yml``
and ``webhook-callbacks/list.txt``); ``store/order/transaction/created|updated`` is absent from both but
documented on BigCommerce's events page (``docs/integrations/webhooks/events/index.mdx``, see
``../shared/docs/bigcommerce.md`` §1.2) and carries ``order_id`` the enricher reads. Explicit scopes, no
wildcards: a ``store/customer/*`` subscription would also deliver events no use case reads (payment
instruments, addresses), each one costing the enricher API calls against the store's shared rate limit.

The B2B scopes (``store/company/*``) need an API account with the B2B Edition scope; enable
``account-statements`` only on B2B Edition stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bcx.errors import ConfigurationError

_ORDER_LIFECYCLE = ("store/order/created", "store/order/statusUpdated", "store/order/updated")
_PAYMENTS = ("store/order/transaction/created", "store/order/transaction/updated")

#: use case (consumer group ``bcx-<name>``) → the scopes whose events it needs enriched.
USE_CASE_SCOPES: Mapping[str, tuple[str, ...]] = {
    # confirmation, invoice, receipt: a receipt per received payment, shipments shown on the invoice
    "order-documents": (*_ORDER_LIFECYCLE, *_PAYMENTS, "store/shipment/created"),
    # declined (6), manual verification (12), disputed (13) and failed payments
    "order-exceptions": ("store/order/statusUpdated", *_PAYMENTS),
    # refund letters: the refund, and statusUpdated to Refunded (4) / Partially Refunded (14) / Cancelled (5)
    "returns": ("store/order/refund/created", "store/order/statusUpdated"),
    # abandoned-cart letters; converted cancels a pending one
    "retention": ("store/cart/abandoned", "store/cart/converted"),
    "onboarding": ("store/customer/created", "store/customer/updated"),
    "catalogs": (
        "store/product/created",
        "store/product/updated",
        "store/product/deleted",
        "store/sku/updated",
    ),
    # B2B Edition: company changes (credit, terms, customer group) feed statements
    "account-statements": ("store/company/created", "store/company/updated", "store/company/statusUpdated"),
}


def known_use_cases() -> tuple[str, ...]:
    return tuple(sorted(USE_CASE_SCOPES))


def check_use_cases(use_cases: Iterable[str]) -> tuple[str, ...]:
    """The use cases, de-duplicated in order; :class:`ConfigurationError` naming any unknown one."""
    chosen = tuple(dict.fromkeys(u.strip() for u in use_cases if u.strip()))
    unknown = [u for u in chosen if u not in USE_CASE_SCOPES]
    if unknown:
        raise ConfigurationError(
            f"unknown use case(s) {', '.join(unknown)}; known: {', '.join(known_use_cases())}"
        )
    return chosen


def wanted_scopes(use_cases: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Every scope the use cases need → the use cases needing it (scopes sorted, use cases in given order)."""
    needed: dict[str, list[str]] = {}
    for use_case in check_use_cases(use_cases):
        for scope in USE_CASE_SCOPES[use_case]:
            needed.setdefault(scope, []).append(use_case)
    return {scope: tuple(needed[scope]) for scope in sorted(needed)}
