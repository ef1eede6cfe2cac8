"""Orchestration inputs: on-demand ``/generate`` and named on-demand/batch inputs.

Request and reply shapes follow the OAS yaml and OpenText's Postman collection (``communicationId`` and
``driverDataSource`` headers, the driver data as the body, ``Accept`` choosing envelope or bare PDF) and
the observed 201 batch reply. The envelope also carries ``jobId`` and ``traceId``, which real replies may
not: bcx's client treats both as optional.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from simulators.exstream.engine import Output
from simulators.exstream.simulator import Simulator, spring_error


def _header(request: Request, name: str) -> str | None:
    value = request.headers.get(name)
    return value.strip() if value and value.strip() else None


async def _json_body(request: Request) -> tuple[Any, Response | None]:
    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if content_type in ("application/xml", "text/xml"):
        return None, spring_error(415, "The simulator accepts JSON driver data only", request.url.path)
    raw = await request.body()
    try:
        return json.loads(raw), None
    except (ValueError, UnicodeDecodeError):
        return None, spring_error(400, "Driver data is not valid JSON", request.url.path)


def _reply(request: Request, job_id: str, trace_id: str, outputs: list[Output]) -> Response:
    """The full envelope, the bare PDF (``Accept: application/pdf``) or an Interactive document id."""
    trace = {"X-B3-TraceId": trace_id}
    accept = request.headers.get("accept", "*/*").lower()
    pdf = next(o for o in outputs if o.mime_type == "application/pdf")
    if "application/pdf" in accept:
        return Response(
            pdf.content,
            media_type="application/pdf",
            headers={**trace, "Content-Disposition": f'attachment; filename="{pdf.name}"'},
        )
    if "application/json" in accept and _header(request, "empowerUser"):
        return JSONResponse({"documentId": str(uuid.uuid4())}, headers=trace)
    envelope = {
        "status": "success",
        "details": f"{len(outputs)} output(s) generated",
        "jobId": job_id,
        "traceId": trace_id,
        "data": [
            {
                "content": base64.b64encode(o.content).decode("ascii"),
                "mimeType": o.mime_type,
                "engineOutputContext": {
                    "queueName": o.queue_name,
                    "fileName": o.name,
                    "customerNumber": o.customer_number,
                },
            }
            for o in outputs
        ],
    }
    return JSONResponse(envelope, headers=trace)


async def generate(sim: Simulator, request: Request) -> Response:
    async def handle() -> Response:
        domain = request.path_params["domain"]
        input_name = request.path_params.get("input_name")
        communication_id = _header(request, "communicationId") or input_name
        data_source = _header(request, "driverDataSource")
        if communication_id is None:
            return spring_error(400, "Missing request header 'communicationId'", request.url.path)
        if data_source is None and input_name is None:
            return spring_error(400, "Missing request header 'driverDataSource'", request.url.path)
        version = sim.design.approved_version(communication_id)
        if version is None and sim.design.known(communication_id):
            # a production domain deploys approved versions only: an unapproved communication is not found
            message = f"Communication {communication_id} has no APPROVED version"
            return spring_error(404, message, request.url.path)
        driver_data, problem = await _json_body(request)
        if problem is not None:
            return problem
        job, outputs = sim.engine.run(
            design_version=version,
            domain=domain,
            channel=input_name or "generate",
            mode="ONDEMAND",
            communication_id=communication_id,
            records=[driver_data],
            reference=_header(request, sim.config.reference_header),
            triggered_by="service-client",
            ready_at=sim.clock(),
        )
        return _reply(request, job.id, job.trace_id, outputs)

    return await sim.guarded(request, "inputs", handle)


def _records(body: Any) -> list[Any]:
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("records"), list):
        return list(body["records"])
    return [body]


async def submit_batch(sim: Simulator, request: Request) -> Response:
    async def handle() -> Response:
        domain = request.path_params["domain"]
        input_name = request.path_params["input_name"]
        body, problem = await _json_body(request)
        if problem is not None:
            return problem
        records = _records(body)
        if not records:
            return spring_error(400, "The batch has no records", request.url.path)
        communication_id = (
            _header(request, "communicationId") or sim.config.batch_inputs.get(input_name) or input_name
        )
        job, _ = sim.engine.run(
            domain=domain,
            channel=input_name,
            mode="BATCH",
            communication_id=communication_id,
            records=records,
            reference=_header(request, sim.config.reference_header),
            triggered_by="service-client",
            ready_at=sim.clock() + sim.config.batch_duration_s,
        )
        instance = job.flow_instance_json()
        instance.update(endDate=None, expirationDate=None, flowModelName=None)
        instance.setdefault("externalId", None)
        return JSONResponse(
            {"status": "success", "data": [instance]}, status_code=201, headers={"X-B3-TraceId": job.trace_id}
        )

    return await sim.guarded(request, "inputs", handle)


async def fulfill(sim: Simulator, request: Request) -> Response:
    """Interactive (Empower) fulfilment: ``{"documents": [id, …]}`` → final output, PDF or envelope."""

    async def handle() -> Response:
        for required in ("communicationId", "driverDataSource", "preserveDocuments"):
            if _header(request, required) is None:
                return spring_error(400, f"Missing request header '{required}'", request.url.path)
        body, problem = await _json_body(request)
        if problem is not None:
            return problem
        documents = body.get("documents") if isinstance(body, dict) else None
        if not isinstance(documents, list) or not documents:
            return spring_error(400, "Body must list the documents to fulfil", request.url.path)
        job, outputs = sim.engine.run(
            domain=request.path_params["domain"],
            channel="fulfill",
            mode="ONDEMAND",
            communication_id=str(_header(request, "communicationId")),
            records=[{"interactiveDocumentId": str(d)} for d in documents],
            reference=_header(request, sim.config.reference_header),
            triggered_by="service-client",
            ready_at=sim.clock(),
        )
        return _reply(request, job.id, job.trace_id, outputs)

    return await sim.guarded(request, "inputs", handle)
