"""The contact history as an append-only log: one row per contact, a customer's history the union of its
rows, expired rows tombstoned, and — on the real broker — two flows writing for one customer at the same
moment both counted (the whole-history row used to lose one)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from bcx.contracts import marketing_contacts
from bcx.contracts.marketing_contacts import Contact, ContactHistory
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.settings import KafkaSettings
from consumers.marketing.contacts import ContactLog, customer_of, expired, merged
from consumers.marketing.policy import load_policy
from consumers.marketing.table import CompactedTable, table_codec
from tests.consumers.marketing import factories as f
from tests.consumers.marketing.kafka_support import new_topics

POLICY = load_policy()
NOW = f.T0 + f.days(100)
CUSTOMER = f"{f.STORE}:7"


def contact(key: str, days_ago: float, use_case: str = "retention") -> Contact:
    return Contact(at=NOW - f.days(days_ago), use_case=use_case, document_type="x", idempotency_key=key)


def row(*contacts: Contact) -> ContactHistory:
    return ContactHistory(store_hash=f.STORE, customer_id=7, contacts=list(contacts))


class Rows:
    """The table's grouping contract over a dict: rows of a customer by key prefix."""

    def __init__(self, rows: dict[str, ContactHistory] | None = None) -> None:
        self.rows = rows or {}

    def in_group(self, group: str) -> Mapping[str, ContactHistory]:
        return {k: v for k, v in self.rows.items() if customer_of(k) == group}

    async def put(self, key: str, value: ContactHistory | None) -> None:
        if value is None:
            self.rows.pop(key, None)
        else:
            self.rows[key] = value


class TestPure:
    def test_customer_of_keeps_the_first_two_parts(self) -> None:
        """A contact row's customer is ``store:customer`` even though idempotency keys hold colons."""
        assert customer_of(f"{f.STORE}:7:retention:{f.STORE}:cart:c1:abandoned_cart_reminder:1") == CUSTOMER
        assert customer_of(CUSTOMER) == CUSTOMER

    def test_merged_is_the_union_oldest_first_once_per_key(self) -> None:
        """Rows merge into one history: each idempotency key once, ordered by time."""
        history = merged([row(contact("b", 1), contact("a", 5)), row(contact("b", 1)), row(contact("c", 3))])
        assert history is not None
        assert [c.idempotency_key for c in history.contacts] == ["a", "c", "b"]
        assert merged([]) is None

    def test_expired_rows_are_those_wholly_outside_the_window(self) -> None:
        """Only a row whose every contact left the longest cap window expires."""
        old = row(contact("o", POLICY.window_days + 1))
        mixed = row(contact("o2", POLICY.window_days + 5), contact("n", 1))
        found = expired({"old": old, "mixed": mixed}, contact("new", 0), POLICY)
        assert found == ["old"]


class TestContactLog:
    def test_each_contact_is_its_own_row_and_expired_rows_go(self) -> None:
        """Adding writes ``store:customer:key`` with one contact and tombstones the customer's expired rows
        (another customer's rows are untouched)."""
        rows = Rows(
            {
                CUSTOMER: row(contact("legacy", POLICY.window_days + 2)),
                f"{f.STORE}:8:other": row(contact("other", POLICY.window_days + 2)),
            }
        )
        log = ContactLog(rows, POLICY)
        asyncio.run(log.add(f.STORE, 7, contact("k1", 0)))
        assert set(rows.rows) == {f"{CUSTOMER}:k1", f"{f.STORE}:8:other"}
        history = log.history(CUSTOMER)
        assert history is not None
        assert [c.idempotency_key for c in history.contacts] == ["k1"]

    def test_two_writers_with_stale_views_both_count(self) -> None:
        """Two flows each read the history, then each add a contact: both contacts are in the history
        (a whole-history row written by each would have kept only the second)."""
        shared = Rows({CUSTOMER: row(contact("legacy", 2))})
        retention, catalogs = ContactLog(shared, POLICY), ContactLog(shared, POLICY)
        before = (retention.history(CUSTOMER), catalogs.history(CUSTOMER))
        asyncio.run(retention.add(f.STORE, 7, contact("r1", 0, "retention")))
        asyncio.run(catalogs.add(f.STORE, 7, contact("c1", 0, "catalogs")))
        history = retention.history(CUSTOMER)
        assert history is not None
        assert {c.idempotency_key for c in history.contacts} == {"legacy", "r1", "c1"}
        assert all(len(h.contacts) == 1 for h in before if h is not None)


@pytest.mark.integration
class TestOnTheBroker:
    def test_concurrent_writers_in_two_processes_lose_nothing(
        self, kafka_settings: KafkaSettings, registry: Any
    ) -> None:
        """Two tables (two flows' views), both caught up before either writes, each add a contact for one
        customer; a fresh reader's history holds both, plus the old whole-history row's contact."""
        (topic,) = new_topics(kafka_settings, "contacts", compact=True)
        codec = table_codec(
            ContactHistory, marketing_contacts.CONTACTS_TOPIC, topic, registry, auto_register=True
        )
        producers = [KafkaProducer(producer_config(kafka_settings)) for _ in range(2)]
        seed = CompactedTable(kafka_settings, topic, codec, producers[0], group_of=customer_of).start()
        asyncio.run(seed.put(CUSTOMER, row(contact("legacy", 3))))
        seed.close()
        views = [
            CompactedTable(kafka_settings, topic, codec, producer, group_of=customer_of).start()
            for producer in producers
        ]
        try:
            assert all(view.wait_caught_up(30) for view in views)
            logs = [ContactLog(view, POLICY) for view in views]

            async def both() -> None:
                await asyncio.gather(
                    logs[0].add(f.STORE, 7, contact("r1", 0, "retention")),
                    logs[1].add(f.STORE, 7, contact("c1", 0, "catalogs")),
                )

            asyncio.run(both())
        finally:
            for view in views:
                view.close()
            for producer in producers:
                producer.close()
        reader = CompactedTable(kafka_settings, topic, codec, group_of=customer_of).start()
        try:
            assert reader.wait_caught_up(30)
            history = ContactLog(reader, POLICY).history(CUSTOMER)
        finally:
            reader.close()
        assert history is not None
        assert sorted(c.idempotency_key for c in history.contacts) == ["c1", "legacy", "r1"]
