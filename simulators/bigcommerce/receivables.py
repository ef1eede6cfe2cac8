"""One store's B2B receivables, generated once (10,000 companies' lists are read page by page) plus the
invoices created through ``POST /invoices``. Access under the store's lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulators.bigcommerce.gen_receivables import company_history

Record = dict[str, Any]


@dataclass
class Receivables:
    invoices: dict[int, list[Record]] = field(default_factory=dict)
    receipts: list[Record] = field(default_factory=list)
    by_id: dict[int, Record] = field(default_factory=dict)
    next_id: int = 0

    def all_invoices(self) -> list[Record]:
        return [i for cid in sorted(self.invoices) for i in self.invoices[cid]]

    def add(self, invoice: Record) -> None:
        self.invoices.setdefault(int(invoice["customerId"]), []).append(invoice)
        self.by_id[int(invoice["id"])] = invoice


def build(seed: int, company_ids: range) -> Receivables:
    found = Receivables(next_id=(company_ids.stop + 1) * 10)
    for cid in company_ids:
        invoices, receipts = company_history(seed, cid)
        found.invoices[cid] = invoices
        found.by_id.update((int(i["id"]), i) for i in invoices)
        found.receipts.extend(receipts)
    found.receipts.sort(key=lambda r: (r["createdAt"], r["id"]))
    return found
