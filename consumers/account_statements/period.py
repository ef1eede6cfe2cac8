"""A statement period (``2026-11``): its bounds in the store's timezone, its as-of day, its summary terms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bcx.errors import ConfigurationError

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: company extra field naming its summary term (contract terms); else the flow's default
SUMMARY_FIELD = "statementSummary"
SUMMARY_TERMS = ("monthly", "quarterly", "annual")


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text)
        if match is None:
            raise ConfigurationError(f"a statement period looks like 2026-11, not {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + self.month // 12, self.month % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        """The as-of day of the statement: aging counts days past due up to this day."""
        return self.next_first_day - timedelta(days=1)

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """``[start, end)``: local midnights of the first day and of the next month's first day."""
        start = datetime.combine(self.first_day, datetime.min.time(), zone)
        end = datetime.combine(self.next_first_day, datetime.min.time(), zone)
        return start, end

    def summary_period(self, term: str) -> str | None:
        """The summary this period closes under ``term``: itself (monthly), ``2026-Q4`` in a quarter's last
        month, ``2026`` in December (annual); ``None`` when it closes none."""
        if term == "monthly":
            return str(self)
        if term == "quarterly":
            return f"{self.year}-Q{self.month // 3}" if self.month % 3 == 0 else None
        if term == "annual":
            return str(self.year) if self.month == 12 else None
        return None


def edition(period: str, version: int) -> str:
    """The document version of a period's run: the period itself, ``2026-11-r2`` for a reissue."""
    return period if version <= 1 else f"{period}-r{version}"
