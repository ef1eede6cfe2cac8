"""What every resource group shares: the HTTP layer and parsing into models at the boundary.

Parsing follows :mod:`bcx.bigcommerce.tolerant`: a required field that is missing or unreadable fails the
response (:class:`InvalidResponse` naming it); an optional one that does not fit is dropped to its default and
reported to the client's ``on_coercion`` callback, so one odd field never loses the whole entity.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeVar

from pydantic import BaseModel

from bcx.bigcommerce.errors import InvalidResponse
from bcx.bigcommerce.http import BigCommerceHttp
from bcx.bigcommerce.tolerant import CoercionSink, parse_tolerant

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, where: str, on_coercion: CoercionSink | None = None) -> M:
    """``data`` as ``model``; a body whose required fields do not fit becomes :class:`InvalidResponse`."""
    return parse_tolerant(model, data, where, on_coercion)


def parse_list(model: type[M], data: Any, where: str, on_coercion: CoercionSink | None = None) -> list[M]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise InvalidResponse(f"{where}: expected a list")
    return [parse(model, item, where, on_coercion) for item in data]


def data_of(body: Any, where: str) -> Any:
    """The ``data`` member of a v3 / B2B envelope."""
    if not isinstance(body, dict) or "data" not in body:
        raise InvalidResponse(f"{where}: response has no 'data'")
    return body["data"]


class ApiGroup:
    """Base of the resource mixins: they all reach BigCommerce through ``self.http`` and parse with the
    client's coercion callback."""

    http: BigCommerceHttp
    on_coercion: CoercionSink | None = None

    def _parse(self, model: type[M], data: Any, where: str) -> M:
        return parse(model, data, where, self.on_coercion)

    def _parse_list(self, model: type[M], data: Any, where: str) -> list[M]:
        return parse_list(model, data, where, self.on_coercion)

    async def _collect(self, model: type[M], items: AsyncIterator[Any], where: str) -> list[M]:
        return [parse(model, item, where, self.on_coercion) async for item in items]
