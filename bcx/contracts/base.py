"""What every record model shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


def _as_utc_millis(value: datetime) -> datetime:
    """Avro timestamp-millis keeps milliseconds in UTC; normalise so a round trip is exact."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


UtcMillis = Annotated[datetime, AfterValidator(_as_utc_millis)]


class Record(BaseModel):
    """A record on the bus: immutable, and strict about unknown fields so a typo cannot pass silently."""

    model_config = ConfigDict(frozen=True, extra="forbid")
