"""The exception policy (``policy.yaml``): the store's business calendar, shipping promises, delays and
the expected resolution of each exception kind. Loaded and validated once at start-up (a bad file stops
the process, naming the file); then pure look-ups.

Every date a notice prints is computed here from the snapshot (order placed, event time, shipping method,
country, payment method) and the policy: never from the wall clock at render time, so the same snapshot
always gives the same notice.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bcx.errors import ConfigurationError
from consumers.documents.calendar import BusinessCalendar

DEFAULT_POLICY = Path(__file__).with_name("policy.yaml")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CalendarPolicy(_Model):
    weekend: tuple[str, ...] = ("sat", "sun")
    holidays: dict[str, tuple[date, ...]] = Field(default_factory=dict)


class MethodPromise(_Model):
    shipping_method: str = Field(min_length=1)
    days: int = Field(ge=0)


class Promises(_Model):
    default_days: int = Field(default=2, ge=0)
    shipping_methods: tuple[MethodPromise, ...] = ()
    stores: dict[str, int] = Field(default_factory=dict)


class Delays(_Model):
    statuses: frozenset[int] = frozenset({9, 11})
    extension_days: int = Field(default=3, ge=1)


class ResolutionOverride(_Model):
    kind: str
    payment_method: str | None = None
    country: str | None = None
    days: int = Field(ge=0)


class Resolution(_Model):
    default_days: int = Field(default=5, ge=0)
    kinds: dict[str, int] = Field(default_factory=dict)
    overrides: tuple[ResolutionOverride, ...] = ()


class ExceptionPolicy(_Model):
    calendar: CalendarPolicy = CalendarPolicy()
    promises: Promises = Promises()
    delays: Delays = Delays()
    resolution: Resolution = Resolution()

    def business_calendar(self, store_hash: str) -> BusinessCalendar:
        """Weekends and the holidays of every store (``*``) plus the store's own."""
        days = (*self.calendar.holidays.get("*", ()), *self.calendar.holidays.get(store_hash, ()))
        return BusinessCalendar.of(self.calendar.weekend, days)

    def promise_days(self, store_hash: str, shipping_method: str) -> int:
        method = shipping_method.lower()
        for entry in self.promises.shipping_methods:
            if entry.shipping_method.lower() in method:
                return entry.days
        return self.promises.stores.get(store_hash, self.promises.default_days)

    def shortest_promise(self, store_hash: str) -> int:
        """The shortest promise any order of the store can have (the sweep's cheap first filter)."""
        days = [e.days for e in self.promises.shipping_methods]
        return min([*days, self.promises.stores.get(store_hash, self.promises.default_days)])

    def resolution_days(self, kind: str, *, payment_method: str | None, country: str | None) -> int:
        method = (payment_method or "").lower()
        for entry in self.resolution.overrides:
            if entry.kind != kind:
                continue
            if entry.payment_method is not None and entry.payment_method.lower() not in method:
                continue
            if entry.country is not None and entry.country.upper() != (country or "").upper():
                continue
            return entry.days
        return self.resolution.kinds.get(kind, self.resolution.default_days)


def load_policy(path: Path | None = None) -> ExceptionPolicy:
    """The policy at ``path`` (default: the shipped ``policy.yaml``); :class:`ConfigurationError` naming
    the file and the problem when it cannot be used."""
    source = path or DEFAULT_POLICY
    try:
        raw: Any = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        policy = ExceptionPolicy.model_validate(raw)
        for store in policy.calendar.holidays:
            policy.business_calendar(store)
    except OSError as exc:
        raise ConfigurationError(f"exception policy {source}: {exc.strerror}") from exc
    except (yaml.YAMLError, ValidationError, ValueError) as exc:
        raise ConfigurationError(f"exception policy {source}: {exc}") from exc
    return policy
