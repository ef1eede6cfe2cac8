"""Shared pieces of the BigCommerce models: tolerant base model, money as Decimal, BigCommerce dates.

BigCommerce v2 sends money as strings (``"62.6793"``) and dates as RFC 2822 (``"Tue, 20 Nov 2012 00:00:00
+0000"``, or ``""`` when unset); v3 sends numbers and ISO 8601; B2B Edition sends unix seconds. Every model
keeps fields it does not declare (``extra="allow"``) so nothing BigCommerce adds is lost or rejected.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


class BcModel(BaseModel):
    """Base of every BigCommerce model: immutable, tolerant of fields it does not declare."""

    # a number where text is declared (a B2B companyPhone sent as 5551234567) is unambiguous: keep it as text
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True, coerce_numbers_to_str=True)


def to_decimal(value: Any) -> Any:
    """Money as :class:`Decimal`, from BigCommerce strings or JSON numbers (via ``str`` to keep digits)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("a boolean is not an amount")
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return Decimal("0")
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {value!r}") from exc
    return value


def parse_bc_datetime(value: Any) -> Any:
    """A timezone-aware datetime from RFC 2822, ISO 8601 or unix seconds; ``""`` becomes ``None``."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, bool):
        raise ValueError("a boolean is not a date")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if text.isdigit():
            return datetime.fromtimestamp(int(text), tz=UTC)
        if text[:3].isalpha() and "," in text[:5]:
            return parsedate_to_datetime(text)
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return value


Money = Annotated[Decimal, BeforeValidator(to_decimal)]
BcDatetime = Annotated[datetime, BeforeValidator(parse_bc_datetime)]
#: a date that BigCommerce may leave empty (``""`` or ``null``)
OptionalBcDatetime = Annotated[datetime | None, BeforeValidator(parse_bc_datetime)]


def format_rfc2822(moment: datetime) -> str:
    """The v2 wire format: ``Tue, 20 Nov 2012 00:00:00 +0000``."""
    return format_datetime(moment.astimezone(UTC))


class Pagination(BcModel):
    """v3 ``meta.pagination``."""

    total: int = 0
    count: int = 0
    per_page: int = 0
    current_page: int = 1
    total_pages: int = 0


class Link(BcModel):
    """v2 sub-resource link object ``{url, resource}``."""

    url: str = ""
    resource: str = ""
