"""Snapshots → :class:`routing.RoutingFacts` for onboarding. Pure.

An order gives one facts object per product family among its lines (``products.family``, with the
family's categories, products and whether one is warrantable): the guides and the warranty notice are one
per family per order (``version: {field: products.family}``). A company gives one facts object whose
customer is the company (B2B, its status), for the welcome pack.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC

from bcx.contracts.commerce_accounts import AccountSnapshotRecord
from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.facts import Trigger, customer_facts, entity_version, order_facts
from consumers.onboarding.flow import FLOW
from consumers.onboarding.policy import OnboardingPolicy
from routing import CustomerFacts, EventFacts, ProductFacts, RoutingFacts


def _event(trigger: Trigger) -> EventFacts:
    return EventFacts(
        scope=trigger.scope,
        event_id=trigger.event_id,
        occurred_at=trigger.occurred_at,
        previous_status_id=trigger.previous_status_id,
        new_status_id=trigger.new_status_id,
    )


def families(context: OrderContext, policy: OnboardingPolicy) -> dict[str, ProductFacts]:
    """Family → the products of the order in it (lines without a listed category have no family)."""
    categories: dict[str, set[int]] = defaultdict(set)
    products: dict[str, set[int]] = defaultdict(set)
    for line in context.snapshot.products:
        line_categories = list(context.categories.get(line.product_id, ()))
        family = policy.family(line_categories)
        if family is None:
            continue
        categories[family].update(line_categories)
        products[family].add(line.product_id)
    return {
        family: ProductFacts(
            category_ids=frozenset(categories[family]),
            product_ids=frozenset(products[family]),
            family=family,
            warrantable=family in policy.warranty.families,
        )
        for family in sorted(products)
    }


def order_onboarding_facts(
    context: OrderContext, trigger: Trigger, policy: OnboardingPolicy
) -> list[RoutingFacts]:
    order = context.snapshot.order
    base = {
        "use_case": FLOW.use_case,
        "store_hash": context.store.id,
        "entity_type": "order",
        "entity_id": str(order.id),
        "entity_version": entity_version(context),
        "event": _event(trigger),
        "customer": customer_facts(context),
        "order": order_facts(context),
    }
    return [RoutingFacts.model_validate({**base, "products": p}) for p in families(context, policy).values()]


def company_facts(record: AccountSnapshotRecord, trigger: Trigger) -> RoutingFacts:
    company = record.company
    assert company is not None  # the caller skips deleted companies
    version = record.date_modified.astimezone(UTC).isoformat() if record.date_modified else "1"
    return RoutingFacts(
        use_case=FLOW.use_case,
        store_hash=record.store_hash,
        entity_type="company",
        entity_id=str(company.company_id),
        entity_version=version,
        event=_event(trigger),
        customer=CustomerFacts(
            is_b2b=True,
            company_id=company.company_id,
            company_status=company.company_status,
            group_id=company.bc_group_id,
            group_name=company.bc_group_name or None,
            has_email=bool(company.company_email.strip()),
            has_portal_account=True,
        ),
    )
