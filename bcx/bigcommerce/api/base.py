"""What every resource group shares: the HTTP layer and parsing into models at the boundary."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bcx.bigcommerce.errors import InvalidResponse
from bcx.bigcommerce.http import BigCommerceHttp

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, where: str) -> M:
    """``data`` as ``model``; a body that does not fit becomes :class:`InvalidResponse`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})[:5]
        raise InvalidResponse(f"{where}: unexpected {model.__name__} shape (fields {fields})") from exc


def parse_list(model: type[M], data: Any, where: str) -> list[M]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise InvalidResponse(f"{where}: expected a list")
    return [parse(model, item, where) for item in data]


async def collect(model: type[M], items: AsyncIterator[Any], where: str) -> list[M]:
    return [parse(model, item, where) async for item in items]


def data_of(body: Any, where: str) -> Any:
    """The ``data`` member of a v3 / B2B envelope."""
    if not isinstance(body, dict) or "data" not in body:
        raise InvalidResponse(f"{where}: response has no 'data'")
    return body["data"]


class ApiGroup:
    """Base of the resource mixins: they all reach BigCommerce through ``self.http``."""

    http: BigCommerceHttp
