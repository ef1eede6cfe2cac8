"""Design-asset service (DAS) resources and their approval workflow, as far as bcx uses them.

Routes (under ``/design/api/v1``, shapes from ``design-v1.openapi.json``):

- ``GET /resources/{domain}`` (``filter.types``, ``filter.states``, ``filter.ids``, ``filter.latestVersion``,
  ``offset``, ``count``) → ``PageResponseResourceVersion``;
- ``GET /resources/{domain}/{id}`` (``version``, ``state``) → ``DataResponseResourceVersion``;
- ``PUT /resources/{domain}/{id}`` (any JSON) → a new version of the resource, in ``DRAFT``;
- ``PUT /resources/{domain}/{id}/state`` (``WorkflowRequestBody``) → moves the latest version to the state.

Only communications (``exstrapplication``) are simulated. A communication known here renders only through
its latest APPROVED version (:meth:`DesignStore.approved_version`); one with no approved version is refused
by the on-demand inputs, as a production domain holds only approved versions. Communications the store does
not know render as before (the simulator's templates need no design entry).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from simulators.exstream.state import iso_now

STATES = ("DRAFT", "REVIEW", "APPROVED", "REJECTED")
COMMUNICATION = "exstrapplication"


@dataclass
class Version:
    number: int
    state: str
    comment: str
    modified_by: str
    modified_at: str


@dataclass
class Resource:
    id: str
    domain: str
    name: str
    created_at: str
    versions: list[Version]

    def latest(self) -> Version:
        return self.versions[-1]

    def approved(self) -> Version | None:
        return next((v for v in reversed(self.versions) if v.state == "APPROVED"), None)

    def to_json(self, version: Version) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": COMMUNICATION,
            "version": version.number,
            "latestVersion": version is self.latest(),
            "state": version.state,
            "stateComment": version.comment,
            "approvalInfo": {"state": version.state, "pending": version.state == "REVIEW"},
            "createdBy": "designer",
            "createdDate": self.created_at,
            "lastModifiedBy": version.modified_by,
            "lastModifiedDate": version.modified_at,
            "locked": False,
            "hidden": False,
            "domains": [{"id": self.domain}],
        }


class DesignStore:
    """Communications by id; versions numbered from 1, the last one the latest."""

    def __init__(self, communications: dict[str, tuple[str, str]], domain: str = "default") -> None:
        self._lock = threading.Lock()
        self._resources: dict[str, Resource] = {}
        for comm_id, (name, state) in communications.items():
            now = iso_now()
            self._resources[comm_id] = Resource(
                comm_id, domain, name, now, [Version(1, state, "", "designer", now)]
            )

    def get(self, comm_id: str) -> Resource | None:
        with self._lock:
            return self._resources.get(comm_id)

    def known(self, comm_id: str) -> bool:
        return self.get(comm_id) is not None

    def approved_version(self, comm_id: str) -> int | None:
        resource = self.get(comm_id)
        approved = resource.approved() if resource else None
        return approved.number if approved else None

    def new_version(self, comm_id: str, who: str = "designer") -> Resource | None:
        with self._lock:
            resource = self._resources.get(comm_id)
            if resource is not None:
                number = resource.latest().number + 1
                resource.versions.append(Version(number, "DRAFT", "", who, iso_now()))
            return resource

    def set_state(self, comm_id: str, state: str, comment: str, who: str = "approver") -> Resource | None:
        with self._lock:
            resource = self._resources.get(comm_id)
            if resource is not None:
                latest = resource.latest()
                latest.state, latest.comment = state, comment
                latest.modified_by, latest.modified_at = who, iso_now()
            return resource

    def all(self) -> list[Resource]:
        with self._lock:
            return list(self._resources.values())


def _error(status: int, message: str, path: str) -> JSONResponse:
    return JSONResponse(
        {"timestamp": iso_now(), "status": status, "error": "", "message": message, "path": path},
        status_code=status,
    )


def _listed(request: Request, name: str) -> list[str]:
    values = request.query_params.getlist(name)
    return [v for raw in values for v in raw.split(",") if v]


async def list_resources(store: DesignStore, request: Request, page: Any) -> Response:
    types = _listed(request, "filter.types")
    states = _listed(request, "filter.states")
    ids = _listed(request, "filter.ids")
    latest_only = request.query_params.get("filter.latestVersion", "false").lower() == "true"
    found: list[dict[str, Any]] = []
    if not types or COMMUNICATION in types or "all" in types:
        for resource in store.all():
            if ids and resource.id not in ids:
                continue
            versions = [resource.latest()] if latest_only else resource.versions
            found += [resource.to_json(v) for v in versions if not states or v.state in states]
    return JSONResponse(page(found, request))


async def get_resource(store: DesignStore, request: Request) -> Response:
    resource = store.get(request.path_params["id"])
    if resource is None:
        return _error(404, "Resource not found", request.url.path)
    wanted_state = request.query_params.get("state")
    wanted_version = request.query_params.get("version")
    versions = [
        v
        for v in resource.versions
        if (wanted_state is None or v.state == wanted_state)
        and (wanted_version is None or str(v.number) == wanted_version)
    ]
    if not versions:
        return _error(404, "No version of the resource matches", request.url.path)
    return JSONResponse({"status": "success", "data": resource.to_json(versions[-1])})


async def update_resource(store: DesignStore, request: Request) -> Response:
    resource = store.new_version(request.path_params["id"])
    if resource is None:
        return _error(404, "Resource not found", request.url.path)
    return JSONResponse({"status": "success", "data": resource.to_json(resource.latest())})


async def set_state(store: DesignStore, request: Request) -> Response:
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "Body is not JSON", request.url.path)
    state = body.get("state") if isinstance(body, dict) else None
    if state not in STATES:
        return _error(400, f"state must be one of {', '.join(STATES)}", request.url.path)
    comment = str(body.get("auditedComment") or "")
    resource = store.set_state(request.path_params["id"], state, comment)
    if resource is None:
        return _error(404, "Resource not found", request.url.path)
    return JSONResponse({"status": "success", "data": resource.to_json(resource.latest())})
