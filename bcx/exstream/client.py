"""``ExstreamClient``: on-demand generation, batch submission, runtime jobs and their outputs.

Endpoints (paths under ``{base_url}{orchestration_path}``):

- ``POST /api/v1/inputs/ondemand/{domain}/generate``      [D] OAS yaml, SDK, Postman
- ``POST /api/v1/inputs/ondemand/{domain}/{inputName}``   [C] named flow-model inputs
- ``POST /api/v1/inputs/batch/{domain}/{inputName}``      [C] 201 with flow instances
- ``GET  /api/v1/runtime/{domain}/jobs/{id}`` and ``…/jobs?filter=externalId:…``    [D] OAS json
- ``GET  …/flow-instances?filter=jobId:…``, ``…/flow-steps?filter=flowInstanceId:…;stepTypes:output``,
  ``…/flow-steps/{id}/delivery-file/output-files``, ``…/flow-steps/{id}/artifact/{name}``  [D] OAS json

The idempotency ``reference`` travels in ``settings.reference_header`` — an assumption: no source shows how
to set ``Job.externalId`` on submission (see docs/exstream.md).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Literal
from urllib.parse import quote

import httpx

from bcx.exstream.auth import OtdsTokenProvider
from bcx.exstream.envelope import (
    decode_generate_response,
    parse_batch_submission,
    parse_id_list,
    parse_job_page,
    parse_job_response,
    parse_json,
    parse_string_page,
)
from bcx.exstream.http import ENDPOINTS, ExstreamHttp
from bcx.exstream.metrics import ExstreamMetrics
from bcx.exstream.models import BatchSubmission, GeneratedDocument, GenerationResult, JobStatus
from bcx.exstream.pool import PooledTransport
from bcx.exstream.settings import ExstreamSettings

_MIME_BY_SUFFIX = {"pdf": "application/pdf", "html": "text/html", "htm": "text/html", "eml": "message/rfc822"}


def pooled_http_client(settings: ExstreamSettings) -> httpx.AsyncClient:
    """The client :class:`ExstreamClient` builds for itself: httpx over bcx's O(1) connection pool.

    One connection slot per in-flight call on each of the three endpoints, plus one for OTDS.
    """
    return httpx.AsyncClient(
        transport=PooledTransport(
            max_connections=settings.max_concurrency * len(ENDPOINTS) + 1,
            keepalive_expiry_s=settings.keepalive_expiry_s,
        )
    )


def _seg(value: str) -> str:
    return quote(value, safe="")


class ExstreamClient:
    """Async client for one Exstream domain; use as ``async with ExstreamClient(settings) as client``."""

    def __init__(
        self,
        settings: ExstreamSettings,
        *,
        http_client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
        metrics: ExstreamMetrics | None = None,
    ) -> None:
        self.settings = settings
        self._owns_http = http_client is None
        self._http_client = http_client or pooled_http_client(settings)
        self.tokens = OtdsTokenProvider(settings, self._http_client, clock, metrics)
        self.http = ExstreamHttp(settings, self._http_client, self.tokens, clock, metrics)

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The connection pool this client sends through (shared by the design API)."""
        return self._http_client

    async def __aenter__(self) -> ExstreamClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http_client.aclose()

    def _domain(self) -> str:
        return _seg(self.settings.domain)

    async def generate(
        self,
        *,
        communication_id: str,
        driver_data_source: str,
        driver_data: Mapping[str, Any] | list[Any],
        reference: str | None = None,
        accept: Literal["all", "pdf"] = "all",
        input_name: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> GenerationResult:
        """Generate a communication synchronously from JSON driver data.

        ``accept="all"`` returns every output (the JSON envelope); ``"pdf"`` asks for the bare PDF.
        ``input_name`` posts to a named on-demand input instead of ``/generate``.
        """
        s = self.settings
        headers = {
            s.communication_id_header: communication_id,
            s.driver_data_source_header: driver_data_source,
            "Content-Type": "application/json",
            "Accept": "application/pdf" if accept == "pdf" else "*/*",
            **(extra_headers or {}),
        }
        if reference is not None:
            headers[s.reference_header] = reference
        name = _seg(input_name) if input_name else "generate"
        response = await self.http.request(
            "generate",
            "POST",
            f"/api/v1/inputs/ondemand/{self._domain()}/{name}",
            operation="generate",
            idempotent=False,
            timeout_s=s.generate_timeout_s,
            headers=headers,
            content=json.dumps(driver_data, separators=(",", ":")).encode(),
        )
        return decode_generate_response(
            response.headers.get("content-type", ""), response.content, response.headers
        )

    async def submit_batch(
        self,
        input_name: str,
        payload: Mapping[str, Any] | list[Any],
        *,
        reference: str | None = None,
        communication_id: str | None = None,
        driver_data_source: str | None = None,
    ) -> BatchSubmission:
        """Start a batch job on a named batch input; the payload is the metadata the flow model expects."""
        s = self.settings
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if communication_id is not None:
            headers[s.communication_id_header] = communication_id
        if driver_data_source is not None:
            headers[s.driver_data_source_header] = driver_data_source
        if reference is not None:
            headers[s.reference_header] = reference
        response = await self.http.request(
            "batch",
            "POST",
            f"/api/v1/inputs/batch/{self._domain()}/{_seg(input_name)}",
            operation="submit_batch",
            idempotent=False,
            timeout_s=s.generate_timeout_s,
            headers=headers,
            content=json.dumps(payload, separators=(",", ":")).encode(),
        )
        return parse_batch_submission(parse_json(response.content, "batch"), response.headers)

    async def _runtime_get(
        self, path: str, operation: str, params: Mapping[str, str | int] | None = None
    ) -> httpx.Response:
        return await self.http.request(
            "runtime",
            "GET",
            f"/api/v1/runtime/{self._domain()}{path}",
            operation=operation,
            idempotent=True,
            timeout_s=self.settings.runtime_timeout_s,
            headers={"Accept": "application/json"},
            params=params,
        )

    async def get_job(self, job_id: str) -> JobStatus:
        response = await self._runtime_get(f"/jobs/{_seg(job_id)}", "get_job")
        return parse_job_response(parse_json(response.content, "job"))

    async def find_jobs(self, *, reference: str, count: int = 20) -> list[JobStatus]:
        """Jobs whose ``externalId`` is ``reference`` (``GET runtime/{domain}/jobs?filter=externalId:…``)."""
        if any(c in reference for c in ";:,"):
            raise ValueError("reference must not contain the filter separators ; : ,")
        response = await self._runtime_get(
            "/jobs", "find_jobs", {"filter": f"externalId:{reference}", "offset": 0, "count": count}
        )
        jobs = parse_job_page(parse_json(response.content, "jobs"))
        return [j for j in jobs if j.external_id in (None, reference)]

    async def find_job(self, reference: str) -> JobStatus | None:
        """The most recent job for ``reference``, or None: use before re-sending after OutcomeUnknownError."""
        jobs = await self.find_jobs(reference=reference)
        if not jobs:
            return None
        return max(jobs, key=lambda j: j.start_date.timestamp() if j.start_date else 0.0)

    async def fetch_job_outputs(self, job_id: str) -> list[GeneratedDocument]:
        """Download the files of every output step of a finished job."""
        instances = await self._runtime_get(
            "/flow-instances", "list_flow_instances", {"filter": f"jobId:{job_id}"}
        )
        documents: list[GeneratedDocument] = []
        for instance_id in parse_id_list(parse_json(instances.content, "flow-instances"), "flow-instances"):
            steps = await self._runtime_get(
                "/flow-steps",
                "list_flow_steps",
                {"filter": f"flowInstanceId:{instance_id};stepTypes:output"},
            )
            for step_id in parse_id_list(parse_json(steps.content, "flow-steps"), "flow-steps"):
                files = await self._runtime_get(
                    f"/flow-steps/{_seg(step_id)}/delivery-file/output-files",
                    "list_output_files",
                    {"offset": 0, "count": 1000},
                )
                for name in parse_string_page(parse_json(files.content, "output-files"), "output-files"):
                    artifact = await self._runtime_get(
                        f"/flow-steps/{_seg(step_id)}/artifact/{_seg(name)}", "get_artifact"
                    )
                    mime = artifact.headers.get("content-type", "").split(";")[0].strip()
                    if not mime or mime == "application/octet-stream":
                        mime = _MIME_BY_SUFFIX.get(
                            name.rsplit(".", 1)[-1].lower(), "application/octet-stream"
                        )
                    documents.append(GeneratedDocument(content=artifact.content, mime_type=mime, name=name))
        return documents
