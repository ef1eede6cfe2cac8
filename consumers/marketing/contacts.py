"""The contact history as an append-only log: one row per marketing document sent, so two writers never
overwrite each other.

``marketing.contacts.v1`` is compacted. A row keyed ``store_hash:customer_id`` holding the whole history
(what bcx wrote before) is read-modify-write: retention and catalogs sending to one customer at the same
moment each write the history they read plus their own contact, and compaction keeps only the last, so one
contact was lost and the caps undercounted for good. Now each contact is its own row, keyed
``store_hash:customer_id:idempotency_key`` (a ``ContactHistory`` of one contact: the schema is unchanged),
and a customer's history is the union of the rows under that customer (old whole-history rows included).
Rows whose contacts all left the longest cap window are tombstoned by the next writer for that customer, so
the table stays bounded by customers × documents per window.

Inside one process, :meth:`ContactLog.serialised` runs one customer's check → send → record at a time
(records of one customer under different Kafka keys — a cart and its reminder trigger — run concurrently
otherwise, and each would pass the cap on the history the other had not written yet). Across processes the
check-then-send race remains: two flows checking the same customer's cap at the same instant can each send,
so a cap can be exceeded by at most one document per other process sending at that instant, never by a
lost record.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Protocol

from bcx.contracts.marketing_contacts import Contact, ContactHistory
from consumers.marketing.policy import MarketingPolicy


class ContactRows(Protocol):
    """The part of a :class:`~consumers.marketing.table.CompactedTable` the log needs."""

    def in_group(self, group: str) -> Mapping[str, ContactHistory]: ...

    async def put(self, key: str, row: ContactHistory | None) -> None: ...


def customer_of(key: str) -> str:
    """The customer (``store_hash:customer_id``) a contacts row belongs to: its key's first two parts."""
    return ":".join(key.split(":", 2)[:2])


def merged(rows: Iterable[ContactHistory]) -> ContactHistory | None:
    """One history from a customer's rows: every contact once (by idempotency key), oldest first."""
    first: ContactHistory | None = None
    contacts: dict[str, Contact] = {}
    for row in rows:
        first = first or row
        for contact in row.contacts:
            contacts.setdefault(contact.idempotency_key, contact)
    if first is None:
        return None
    ordered = sorted(contacts.values(), key=lambda c: c.at)
    return ContactHistory(store_hash=first.store_hash, customer_id=first.customer_id, contacts=ordered)


def expired(rows: Mapping[str, ContactHistory], contact: Contact, policy: MarketingPolicy) -> list[str]:
    """The rows no cap can count any more once ``contact`` is sent: all their contacts are older than the
    longest cap window."""
    since = contact.at - timedelta(days=policy.window_days)
    return sorted(key for key, row in rows.items() if all(c.at < since for c in row.contacts))


class ContactLog:
    """A customer's recent marketing contacts over the compacted table, written one row per contact."""

    def __init__(self, rows: ContactRows, policy: MarketingPolicy) -> None:
        self._rows = rows
        self._policy = policy
        # customer -> (its lock, how many hold or wait for it): dropped when nobody does
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def serialised(self, customer: str) -> AsyncIterator[None]:
        """Hold ``customer`` (``store_hash:customer_id``) for one check → send → record in this process."""
        lock, users = self._locks.get(customer, (asyncio.Lock(), 0))
        self._locks[customer] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[customer]
            if users == 1:
                del self._locks[customer]
            else:
                self._locks[customer] = (lock, users - 1)

    def history(self, customer: str) -> ContactHistory | None:
        """The contacts of ``customer`` (``store_hash:customer_id``) as one history, or None."""
        return merged(self._rows.in_group(customer).values())

    async def add(self, store_hash: str, customer_id: int, contact: Contact) -> None:
        """Record ``contact`` under its own key (once acknowledged), then drop the customer's expired rows."""
        customer = f"{store_hash}:{customer_id}"
        row = ContactHistory(store_hash=store_hash, customer_id=customer_id, contacts=[contact])
        await self._rows.put(f"{customer}:{contact.idempotency_key}", row)
        for key in expired(self._rows.in_group(customer), contact, self._policy):
            await self._rows.put(key, None)
