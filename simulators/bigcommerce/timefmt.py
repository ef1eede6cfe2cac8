"""Deterministic randomness and BigCommerce's date formats for the generator."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

#: generated data ends here, so a seed gives the same store whatever day it runs
ANCHOR = datetime(2025, 12, 31, 12, 0, tzinfo=UTC)


def rng_for(seed: int, kind: str, index: int | str) -> random.Random:
    """An independent, reproducible random stream per generated entity (string seeds hash with SHA-512)."""
    return random.Random(f"{seed}:{kind}:{index}")


def rfc2822(moment: datetime) -> str:
    """v2 format: ``Tue, 20 Nov 2012 00:00:00 +0000``."""
    return format_datetime(moment.astimezone(UTC))


def iso(moment: datetime) -> str:
    """v3 format: ``2025-03-01T10:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def days_before_anchor(days: float) -> datetime:
    return ANCHOR - timedelta(days=days)
