"""Each company's data for a period, read from a whole store's lists instead of per-company calls.

The B2B budget (150 requests/min per store) allows about 2.5 companies/s at one call each. A run reads the
store once per (store, period) and process, 250 items per request: open and partially paid invoices, the
invoices created in the period (any status), and the receipts since the period began (newest first, no date
filter exists), grouped by company in memory. Credit and payment terms have no list endpoint: they cost two
calls per company, only when ``credit_and_terms`` is on. The company itself travels in the schedule request.

The first record of a (store, period) loads the index; concurrent records wait for that one load. The last
``keep`` indexes stay cached for ``max_age_s`` (a reissue days later reads the store again); a restarted
process loads again (a few hundred requests per 10,000 companies).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bcx.bigcommerce.client import BigCommerceClient
from bcx.bigcommerce.models import StoreInformation
from bcx.bigcommerce.models.b2b import CompanyCredit, Invoice, PaymentTerms, Receipt
from bcx.logging import get_logger
from consumers.account_statements.period import Period
from consumers.account_statements.statement import OPEN_STATUSES
from consumers.documents.dates import store_zone

log = get_logger(__name__)


@dataclass
class StoreIndex:
    """One store's invoices and receipts for one period, by company id."""

    store: StoreInformation
    invoices: dict[int, list[Invoice]] = field(default_factory=lambda: defaultdict(list))
    receipts: dict[int, list[Receipt]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class CompanyData:
    store: StoreInformation
    invoices: tuple[Invoice, ...]
    receipts: tuple[Receipt, ...]
    credit: CompanyCredit | None
    terms: PaymentTerms | None


def _company_id(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


async def load_index(client: BigCommerceClient, store_hash: str, period: Period) -> StoreIndex:
    """The store's invoices (open ones, and every one created in the period) and receipts since the period
    began, grouped by company."""
    store = await client.get_store_information(store_hash)
    start, end = period.bounds(store_zone(store.timezone))
    index = StoreIndex(store)
    seen: set[int] = set()

    def add(invoice: Invoice) -> None:
        company = _company_id(invoice.customer_id)
        if company is not None and invoice.id not in seen:
            seen.add(invoice.id)
            index.invoices[company].append(invoice)

    for status in OPEN_STATUSES:
        async for invoice in client.list_store_invoices(store_hash, status=status):
            add(invoice)
    # endDateAt is inclusive: the last second of the period
    async for invoice in client.list_store_invoices(store_hash, begin=start, end=end - timedelta(seconds=1)):
        add(invoice)
    for receipt in await client.list_receipts_since(store_hash, start):
        company = _company_id(receipt.customer_id)
        if company is not None:
            index.receipts[company].append(receipt)
    log.info(
        "statements.index_loaded",
        store_hash=store_hash,
        period=str(period),
        invoices=len(seen),
        companies=len(index.invoices),
    )
    return index


class PeriodData:
    """The per-process cache of store indexes, and the per-company reads on top of them."""

    def __init__(
        self,
        client: BigCommerceClient,
        *,
        credit_and_terms: bool,
        keep: int = 4,
        max_age_s: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._credit_and_terms = credit_and_terms
        self._keep = keep
        self._max_age_s = max_age_s
        self._clock = clock
        self._loads: OrderedDict[tuple[str, str], tuple[float, asyncio.Task[StoreIndex]]] = OrderedDict()

    def _usable(self, entry: tuple[float, asyncio.Task[StoreIndex]] | None) -> bool:
        if entry is None or self._clock() - entry[0] > self._max_age_s:
            return False  # a reissue days later reads the store again
        task = entry[1]
        # a failed load is retried by the next record, not cached
        return not task.done() or (not task.cancelled() and task.exception() is None)

    async def index(self, store_hash: str, period: Period) -> StoreIndex:
        key = (store_hash, str(period))
        entry = self._loads.get(key)
        if not self._usable(entry):
            entry = (self._clock(), asyncio.ensure_future(load_index(self._client, store_hash, period)))
            self._loads[key] = entry
            while len(self._loads) > self._keep:
                self._loads.popitem(last=False)
        assert entry is not None
        self._loads.move_to_end(key)
        return await asyncio.shield(entry[1])

    async def company(self, store_hash: str, period: Period, company_id: int) -> CompanyData:
        index = await self.index(store_hash, period)
        credit: CompanyCredit | None = None
        terms: PaymentTerms | None = None
        if self._credit_and_terms:
            credit, terms = await asyncio.gather(
                self._client.get_company_credit(store_hash, company_id),
                self._client.get_payment_terms(store_hash, company_id),
            )
        return CompanyData(
            store=index.store,
            invoices=tuple(index.invoices.get(company_id, ())),
            receipts=tuple(index.receipts.get(company_id, ())),
            credit=credit,
            terms=terms,
        )
