"""The hand-computed aging fixture: one company's invoices for period 2025-12 in America/Chicago, and what
its statement must say (worked out by hand, not by the code under test).

As of 2025-12-31 (the period's last day, store time):

========  ========================  ==========================  ======  =======  ============
invoice   due (UTC)                 due (Chicago)               days    bucket   open
========  ========================  ==========================  ======  =======  ============
A         2026-01-04 18:00          2026-01-04                  −4      current  USD 1000.00
B         2025-12-01 18:00          2025-12-01                  30      1-30     USD 250.50
C         2025-12-01 03:00          2025-11-30 (21:00)          31      31-60    USD 400.00
D         2025-10-02 18:00          2025-10-02                  90      61-90    USD 75.25
E         2025-10-01 18:00          2025-10-01                  91      90+      USD 1200.00
F         2025-12-20 18:00          2025-12-20                  11      1-30     EUR 300.00
G         credit memo, Dec 12       —                           —       —        USD −50.00 (closed)
========  ========================  ==========================  ======  =======  ============

C is the timezone edge: in UTC it would be 30 days (1-30). USD invoiced in December: A (1000.00); credits:
G (50.00); payments: none. Closing USD 2925.75; opening = 2925.75 − 1000.00 + 50.00 = 1975.75.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

PERIOD = "2025-12"


def _ts(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def _invoice(
    number: str, issued: str, due: str, code: str, original: str, open_: str, **extra: Any
) -> dict[str, Any]:
    return {
        "invoiceNumber": number,
        "issuedAt": _ts(issued),
        "dueDate": _ts(due),
        "status": 0 if Decimal(open_) == Decimal(original) else (2 if Decimal(open_) <= 0 else 1),
        "originalBalance": {"code": code, "value": original},
        "openBalance": {"code": code, "value": open_},
        **extra,
    }


def fixture_invoices(company_id: int) -> list[dict[str, Any]]:
    """``POST /invoices`` bodies for the company."""
    rows = [
        _invoice("FIX-A", "2025-12-05T15:00:00", "2026-01-04T18:00:00", "USD", "1000.00", "1000.00"),
        _invoice("FIX-B", "2025-11-01T15:00:00", "2025-12-01T18:00:00", "USD", "250.50", "250.50"),
        _invoice("FIX-C", "2025-10-01T15:00:00", "2025-12-01T03:00:00", "USD", "600.00", "400.00"),
        _invoice("FIX-D", "2025-09-02T15:00:00", "2025-10-02T18:00:00", "USD", "75.25", "75.25"),
        _invoice("FIX-E", "2025-09-01T15:00:00", "2025-10-01T18:00:00", "USD", "1200.00", "1200.00"),
        _invoice("FIX-F", "2025-11-20T15:00:00", "2025-12-20T18:00:00", "EUR", "300.00", "300.00"),
        _invoice(
            "FIX-G", "2025-12-12T15:00:00", "2026-01-12T18:00:00", "USD", "-50.00", "0", type="Credit Memo"
        ),
    ]
    return [{**row, "customerId": str(company_id)} for row in rows]


#: per currency: bucket → open amount
EXPECTED_AGING = {
    "EUR": {"current": "0.00", "1-30": "300.00", "31-60": "0.00", "61-90": "0.00", "90+": "0.00"},
    "USD": {"current": "1000.00", "1-30": "250.50", "31-60": "400.00", "61-90": "75.25", "90+": "1200.00"},
}
EXPECTED_USD = {
    "opening": "1975.75",
    "invoiced": "1000.00",
    "credits": "50.00",
    "payments": "0.00",
    "closing": "2925.75",
}
EXPECTED_OLDEST_DAYS = 91
