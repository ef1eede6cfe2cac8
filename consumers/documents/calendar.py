"""Business days in a store's calendar: weekends and holidays from the rules, dates in the store's timezone.

Promises ("ships within 2 business days") and expected resolution dates are counted in business days of
the store's calendar, from a *store-local* date: an order placed on Friday 23:30 in Chicago was placed on
Friday there, whatever UTC says. Pure: the holidays come from the rules, the moments from the snapshot
or the caller's clock, never from the wall clock here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessCalendar:
    """Which local dates are business days: not a weekend day, not a holiday."""

    weekend: frozenset[int] = frozenset({5, 6})  # date.weekday(): Saturday, Sunday
    holidays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, weekend: Iterable[str], holidays: Iterable[date]) -> BusinessCalendar:
        days = [d.strip().lower()[:3] for d in weekend]
        unknown = [d for d in days if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"unknown weekend day(s) {unknown}; use {', '.join(WEEKDAYS)}")
        return cls(frozenset(WEEKDAYS.index(d) for d in days), frozenset(holidays))

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def add(self, start: date, days: int) -> date:
        """The ``days``-th business day after ``start`` (``start`` itself when ``days`` is 0 and it is one,
        else the next business day)."""
        current = start
        if days <= 0:
            while not self.is_business_day(current):
                current += timedelta(days=1)
            return current
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_business_day(current):
                remaining -= 1
        return current

    def between(self, start: date, end: date) -> int:
        """Business days after ``start`` up to and including ``end`` (0 when ``end`` is not after it)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_business_day(current):
                count += 1
        return count


def local_date(moment: datetime, zone: tzinfo) -> date:
    """The calendar date of ``moment`` in the store's timezone."""
    return moment.astimezone(zone).date()
