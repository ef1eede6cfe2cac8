"""``commerce.schedules.v1``: a scheduled request for one subject and period (no webhook triggers it).

``bcx statements plan`` publishes one ``monthly_statement`` request per approved B2B company and period,
keyed ``store_hash:company_id:period``; ``version`` is 1 for the first run of a period and grows only when
an operator reissues deliberately (``--reissue``), so a re-run of the same period publishes nothing new.
The request carries the company as the planner listed it (``GET /companies``), so a consumer needs no
per-company read for it. A run larger than the batch threshold is published as chunks instead: one
request per chunk of companies (``subject_type`` ``chunk``, ``subject_id`` ``chunk-<n>``, key
``store_hash:chunk-<n>:period``) carrying them in ``companies``.
"""

from __future__ import annotations

from pydantic import Field

from bcx.contracts.base import Record, UtcMillis
from bcx.contracts.commerce_accounts import Company

TOPIC = "commerce.schedules.v1"
#: the ``schedule`` of a monthly statement request (routing's scope ``bcx/schedule/monthly_statement``)
MONTHLY_STATEMENT = "monthly_statement"


class ScheduleRequestRecord(Record):
    """One scheduled request: which run, for which subject, for which period, which edition."""

    request_id: str = Field(description="deterministic: store_hash:subject_id:period:v<version>")
    schedule: str = Field(description="the run's name, e.g. monthly_statement (scope bcx/schedule/<name>)")
    store_hash: str
    subject_type: str = Field(description="what the request is about, e.g. company")
    subject_id: str
    period: str = Field(description="e.g. 2026-11 for a monthly statement")
    version: int = Field(default=1, description="1, then 2, 3… for each deliberate reissue of the period")
    requested_at: UtcMillis
    requested_by: str = Field(default="", description="what planned it: cronjob or manual")
    run_size: int = Field(default=0, description="requests the planner published in this run (batch or not)")
    company: Company | None = Field(default=None, description="the company as listed by the planner")
    companies: list[Company] = Field(
        default_factory=list,
        description="a chunk of a large run (subject_type chunk): its companies, one batch job for them",
    )

    @property
    def key(self) -> str:
        return schedule_key(self.store_hash, self.subject_id, self.period)


def schedule_key(store_hash: str, subject_id: str, period: str) -> str:
    """``store_hash:subject_id:period``: every version of one subject's period on one partition, in order."""
    return f"{store_hash}:{subject_id}:{period}"


def request_id(store_hash: str, subject_id: str, period: str, version: int) -> str:
    return f"{schedule_key(store_hash, subject_id, period)}:v{version}"
