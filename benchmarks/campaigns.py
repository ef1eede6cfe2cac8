"""Campaign benchmark: plan and run a catalog campaign over N simulated customer profiles.

Measures (never asserts):

- audience selection: ``plan`` (audience conditions, consent and caps for every profile) and building the
  per-recipient requests (personalised product choice), in seconds and profiles/s;
- documents/s to the Exstream simulator: each deliverable recipient goes through the marketing sender
  (routing, consent and cap gate, contact history, driver data with the customer's products and prices)
  and a real ``ExstreamClient.generate`` against ``bcx sim exstream --benchmark`` in its own process, with
  ``--concurrency`` documents in flight; ``--documents`` caps how many are sent (the 2-core machine);
- peak RSS of this process (profiles, contact histories and products held in memory, as the flows do);
- suppressed-by-reason counts: what the plan predicts, and what the sender suppressed while running.

The Kafka side (ledger, results, commits) is the consumer runtime's and measured by
``benchmarks/consumer_runtime.py``; here the document step is the Exstream call itself.

    .venv/bin/python benchmarks/campaigns.py --customers 100000 --documents 2000
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import structlog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bcx.contracts.marketing_contacts import Contact, ContactHistory
from bcx.contracts.marketing_profiles import (
    MarketingProfile,
    ProfileAddress,
    ProfileConsent,
    ProfileOrder,
)
from bcx.exstream.client import ExstreamClient
from benchmarks.consumer_runtime import simulator
from consumers.catalogs.processor import candidate
from consumers.marketing.campaign import Campaign, Condition, Products
from consumers.marketing.contacts import ContactLog, customer_of
from consumers.marketing.policy import load_policy
from consumers.marketing.profile import rederive
from consumers.marketing.runs import campaign_requests, plan
from consumers.marketing.sender import MarketingSender
from consumers.registry import use_case_names
from consumers.runtime import DocumentOutcome, DocumentRequest, RecordContext, SourceRecord
from routing import load_rules
from tests.consumers.marketing import factories as f
from tests.consumers.support import exstream_settings

STORE = f.STORE
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def profiles(n: int, rng: random.Random) -> list[MarketingProfile]:
    policy = load_policy()
    out = []
    for cid in range(1, n + 1):
        orders = [
            ProfileOrder(
                order_id=cid * 10 + i,
                placed_at=NOW - timedelta(days=rng.randint(1, 500)),
                total=Decimal(rng.randint(10, 400)),
                currency="USD",
                product_ids=[rng.randint(1, 500)],
                category_ids=[rng.randint(1, 20)],
            )
            for i in range(rng.choice((0, 1, 1, 2, 3, 5, 8)))
        ]
        profile = MarketingProfile(
            store_hash=STORE,
            customer_id=cid,
            email=f"c{cid}@example.invalid",
            first_name="C",
            last_name=str(cid),
            loyalty_tier=rng.choice(("Retail", "Retail", "Gold", "VIP")),
            postal_address=ProfileAddress(
                name=f"C {cid}", address1="1 Main St", city="Austin", postal_code="78701", country_code="US"
            )
            if rng.random() < 0.9
            else None,
            consent=ProfileConsent(
                marketing=rng.random() < 0.8, abandoned_cart_emails=True, do_not_mail=rng.random() < 0.05
            ),
            orders=orders,
            last_return_at=NOW - timedelta(days=3) if rng.random() < 0.03 else None,
        )
        out.append(rederive(profile, policy))
    return out


def histories(profiles_: list[MarketingProfile], rng: random.Random) -> dict[str, ContactHistory]:
    out = {}
    for p in profiles_:
        if rng.random() < 0.2:
            contacts = [
                Contact(
                    at=NOW - timedelta(days=rng.randint(0, 29)),
                    use_case="retention",
                    document_type="win_back_offer",
                    idempotency_key=f"k-{p.customer_id}-{i}",
                )
                for i in range(rng.randint(1, 5))
            ]
            out[p.key] = ContactHistory(store_hash=STORE, customer_id=p.customer_id, contacts=contacts)
    return out


class Contacts:
    """The contacts table in memory, rows indexed by customer as the compacted table indexes them."""

    def __init__(self, rows: dict[str, ContactHistory]) -> None:
        self.rows = rows
        self._groups: dict[str, set[str]] = {}
        for key in rows:
            self._groups.setdefault(customer_of(key), set()).add(key)

    def in_group(self, group: str) -> dict[str, ContactHistory]:
        return {key: self.rows[key] for key in self._groups.get(group, ())}

    async def put(self, key: str, row: ContactHistory | None) -> None:
        if row is None:
            self.rows.pop(key, None)
            self._groups.get(customer_of(key), set()).discard(key)
        else:
            self.rows[key] = row
            self._groups.setdefault(customer_of(key), set()).add(key)


class Profiles:
    def __init__(self, rows: dict[str, MarketingProfile]) -> None:
        self.rows = rows

    def get(self, key: str) -> MarketingProfile | None:
        return self.rows.get(key)

    async def put(self, key: str, row: Any) -> None:
        raise AssertionError("the flows never write profiles")


class ExstreamStep:
    """The document step reduced to its Exstream call (the runtime's Kafka work is benchmarked elsewhere)."""

    def __init__(self, client: ExstreamClient) -> None:
        self.client = client
        self.documents = 0

    async def run(self, request: DocumentRequest, ctx: RecordContext) -> DocumentOutcome:
        await self.client.generate(
            communication_id=request.decision.communication_id,
            driver_data_source=request.decision.driver_data_source,
            driver_data=dict(request.driver_data),
        )
        self.documents += 1
        return DocumentOutcome(skipped=False, entry=None)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def send_all(
    sender: MarketingSender, requests: list[Any], products: Mapping[int, Any], concurrency: int
) -> Counter[str]:
    suppressed: Counter[str] = Counter()
    queue = list(requests)
    ctx = RecordContext(SourceRecord("bench", 0, 0, None, None), attempt=1, group="bench")

    async def worker() -> None:
        while queue:
            request = queue.pop()
            sent = await sender.send(candidate(request, lambda: products), ctx)
            suppressed.update(s.reason for s in sent.suppressed)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return suppressed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=2000, help="recipients actually sent to Exstream")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    logging.getLogger().setLevel(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    rng = random.Random(16)
    policy = load_policy()
    started = time.monotonic()
    population = profiles(args.customers, rng)
    history = histories(population, rng)
    products = [
        f.product(i, str(rng.randint(5, 200)), categories=(rng.randint(1, 20),)) for i in range(1, 501)
    ]
    took = time.monotonic() - started
    print(
        f"generated {len(population)} profiles, {len(history)} histories in {took:.1f} s; "
        f"RSS with them loaded {peak_rss_mb():.0f} MB"
    )
    campaign = Campaign(
        name="bench-catalog",
        channel="print",
        run_id="bench-1",
        audience=[
            Condition(field="order_count", gte=Decimal(1)),
            Condition(field="recency_score", gte=Decimal(2)),
        ],
        products=Products(from_customer_categories=True, categories=[1, 2], max_items=12, promotion="BENCH"),
    )
    t0 = time.monotonic()
    result = plan(campaign, population, history.get, policy, NOW)
    t1 = time.monotonic()
    by_key = {p.key: p for p in population}
    requests = campaign_requests(campaign, result, by_key, products, NOW)
    t2 = time.monotonic()
    print(
        f"plan: {len(population)} profiles in {t1 - t0:.2f} s ({len(population) / (t1 - t0):,.0f}/s); "
        f"audience {len(result.audience)}, deliverable now {result.deliverable}"
    )
    print(f"requests (product choice per recipient): {len(requests)} in {t2 - t1:.2f} s")
    for reason, count in sorted(result.out_by_reason().items()):
        print(f"  planned out: {reason or 'audience'}: {count}")
    rules = load_rules(None, use_cases=use_case_names())
    product_map = {int(p.entity_id): p for p in products}
    with simulator() as url:
        client = ExstreamClient(exstream_settings(url))
        step = ExstreamStep(client)
        sender = MarketingSender(
            use_case="catalogs",
            rules=rules,
            step=step,
            profiles=Profiles(by_key),
            contacts=ContactLog(Contacts(history), policy),
            policy=policy,
            is_sent=lambda _k: False,
            now=lambda: NOW,
        )
        batch = requests[: args.documents]

        async def go() -> Counter[str]:
            try:
                return await send_all(sender, batch, product_map, args.concurrency)
            finally:
                await client.aclose()

        t3 = time.monotonic()
        suppressed = asyncio.run(go())
        t4 = time.monotonic()
    print(
        f"sent {step.documents} documents of {len(batch)} recipients in {t4 - t3:.1f} s: "
        f"{step.documents / (t4 - t3):.0f} docs/s to the Exstream simulator (concurrency {args.concurrency})"
    )
    for reason, count in sorted(suppressed.items()):
        print(f"  suppressed while running: {reason}: {count}")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
