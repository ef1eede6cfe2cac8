"""Approval states of communications, from the design-asset service (DAS, ``{base}/design/api/v1``).

Exstream's workflow moves each version of a communication through DRAFT → REVIEW → APPROVED (or REJECTED);
integrations render the latest APPROVED version (docs/exstream.md §2.5). bcx asks before rendering content
that must not reach shoppers unapproved (policy documents): ``GET /resources/{domain}/{id}?state=APPROVED``
answers the approved version, 404 when there is none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from bcx.exstream.client import ExstreamClient
from bcx.exstream.errors import (
    ExstreamAuthError,
    ExstreamRequestError,
    ExstreamUnavailableError,
    InvalidResponseError,
)

APPROVED = "APPROVED"


@dataclass(frozen=True)
class CommunicationVersion:
    """One version of a communication and its workflow state."""

    communication_id: str
    name: str
    version: int
    state: str
    modified_by: str | None
    modified_at: str | None

    @property
    def approved(self) -> bool:
        return self.state == APPROVED

    @property
    def approval_reference(self) -> str:
        """What proves which approved design produced a document: ``<communication id>@v<version>``."""
        return f"{self.communication_id}@v{self.version}"


def _version(data: Any) -> CommunicationVersion:
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise InvalidResponseError("design resource: response has no 'data' object")
    item = data["data"]
    try:
        return CommunicationVersion(
            communication_id=str(item["id"]),
            name=str(item.get("name") or item["id"]),
            version=int(item["version"]),
            state=str(item.get("state") or (item.get("approvalInfo") or {}).get("state")),
            modified_by=item.get("lastModifiedBy"),
            modified_at=item.get("lastModifiedDate"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidResponseError("design resource: unexpected ResourceVersion shape") from exc


class DesignApi:
    """Reads of the DAS through an :class:`ExstreamClient`'s connection and OTDS token."""

    def __init__(self, client: ExstreamClient, http: httpx.AsyncClient | None = None) -> None:
        self._client = client
        self._http = http or client.http_client

    async def _get(self, communication_id: str, params: dict[str, str]) -> CommunicationVersion | None:
        s = self._client.settings
        path = f"/api/v1/resources/{quote(s.domain, safe='')}/{quote(communication_id, safe='')}"
        token = await self._client.tokens.token()
        try:
            response = await self._http.get(
                s.design_url(path),
                params=params,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                timeout=s.runtime_timeout_s,
            )
        except httpx.TransportError as exc:
            raise ExstreamUnavailableError(f"design: {type(exc).__name__}") from exc
        if response.status_code == 404:
            return None
        if response.status_code in (401, 403):
            raise ExstreamAuthError("design: token refused", status_code=response.status_code)
        if response.status_code >= 500:
            raise ExstreamUnavailableError("design: server error", status_code=response.status_code)
        if response.status_code >= 400:
            raise ExstreamRequestError("design: request refused", status_code=response.status_code)
        try:
            return _version(json.loads(response.content))
        except ValueError as exc:
            raise InvalidResponseError("design resource: body is not JSON") from exc

    async def approved_version(self, communication_id: str) -> CommunicationVersion | None:
        """The latest APPROVED version, or None when the communication has none (or is unknown)."""
        return await self._get(communication_id, {"state": APPROVED})

    async def latest_version(self, communication_id: str) -> CommunicationVersion | None:
        """The latest version whatever its state (to report why a communication was refused)."""
        return await self._get(communication_id, {})
