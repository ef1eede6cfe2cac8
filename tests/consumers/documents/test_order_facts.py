"""Order facts from the enriched snapshot: the lines' categories and product types reach routing, and rules on
them fire from real data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from bcx.contracts.commerce_common import Trigger as SnapshotTrigger
from bcx.contracts.commerce_orders import OrderSnapshotRecord
from consumers.documents.orders.context import OrderContext
from consumers.documents.orders.facts import Trigger, order_routing_facts
from consumers.documents.orders.snapshot import order_context
from producers.enricher.mapping import Context, Envelope, order_record
from producers.enricher.profile_mapping import store_profile
from routing import evaluate, parse_rules
from routing.fieldpaths import field_registry
from tests.consumers.order_documents.factories import simulated

NOW = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)
STATUS = Trigger("store/order/statusUpdated", "e1", NOW, 1, 11)

RULES = """
version: 1
documents:
  returns_policy:
    use_case: order_documents
    entity_type: order
    category: notice
    description: The returns policy of furniture.
    version: once
    channels: [email]
    default_channels: [email]
    communications: [{communication_id: c1, driver_data_source: ReturnsDriver}]
  download_guide:
    use_case: order_documents
    entity_type: order
    category: notice
    description: How to download what was bought.
    version: once
    channels: [email]
    default_channels: [email]
    communications: [{communication_id: c2, driver_data_source: DownloadDriver}]
rules:
  - name: furniture-returns
    description: Orders with a product in category 23 get its returns policy.
    use_case: order_documents
    when:
      - {field: products.category_ids, contains_any: [23]}
    then: {documents: [returns_policy]}
  - name: digital-guide
    description: Orders with a digital line get the download guide.
    use_case: order_documents
    when:
      - {field: products.types, contains: digital}
    then: {documents: [download_guide]}
locale_policy: {default: en, supported: [en]}
"""


def _enriched(context: OrderContext, categories: dict[int, list[int]]) -> OrderContext:
    """``context`` as order documents receive it: published by the enricher with these categories."""
    order = context.snapshot.order
    event = SnapshotTrigger(
        event_id="e1", scope=STATUS.scope, resource_type="order", resource_id=str(order.id), created_at=NOW
    )
    env = Envelope(context.store.id, "order", str(order.id), NOW, event, "test")
    profiles = Context(store=store_profile(context.store), categories=categories)
    return order_context(cast(OrderSnapshotRecord, order_record(env, context.snapshot, profiles)))


def _due(context: OrderContext) -> set[str]:
    rules = parse_rules(RULES, use_cases={"order_documents"})
    [facts, *_] = order_routing_facts(context, STATUS, use_case="order_documents")
    return {d.document_type for d in evaluate(rules, facts).due}


class TestProductFacts:
    def test_facts_carry_the_lines_products_categories_and_types(self) -> None:
        """Product ids, the union of the lines' categories and the lines' types come from the snapshot."""
        plain = simulated(5)
        ids = [line.product_id for line in plain.snapshot.products]
        context = _enriched(plain, {ids[0]: [23, 7]} | {p: [8] for p in ids[1:]})
        [facts, *_] = order_routing_facts(context, STATUS, use_case="order_documents")
        assert facts.products is not None
        assert facts.products.product_ids == frozenset(ids)
        assert facts.products.category_ids == ({23, 7} | ({8} if ids[1:] else set()))
        assert facts.products.types == {line.type for line in plain.snapshot.products}

    def test_a_rule_on_categories_fires_only_for_orders_in_that_category(self) -> None:
        """The returns-policy rule matches an order with a line in category 23 and not one without."""
        plain = simulated(5)
        first = plain.snapshot.products[0].product_id
        assert "returns_policy" in _due(_enriched(plain, {first: [23]}))
        assert "returns_policy" not in _due(_enriched(plain, {first: [24]}))

    def test_a_rule_on_product_type_fires_for_digital_lines(self) -> None:
        """The download-guide rule matches once a line is digital."""
        plain = simulated(5)
        lines = plain.snapshot.products
        digital = plain.model_copy(
            update={
                "snapshot": plain.snapshot.model_copy(
                    update={"products": [lines[0].model_copy(update={"type": "digital"}), *lines[1:]]}
                )
            }
        )
        assert "download_guide" in _due(_enriched(digital, {}))
        assert "download_guide" not in _due(_enriched(plain, {}))

    def test_routing_fields_list_the_product_facts(self) -> None:
        """``bcx routing fields`` (the field registry) offers what the builder fills."""
        registry = field_registry()
        assert {"products.category_ids", "products.product_ids", "products.types"} <= registry.keys()
        assert "products.category_names" not in registry
