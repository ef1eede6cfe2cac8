"""Orchestration runtime API (OAS json ``runtime-controller``): jobs, flow instances, output steps, files."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from simulators.exstream.simulator import Simulator, parse_filter, spring_error
from simulators.exstream.state import JobRecord


def _matches(job: JobRecord, filters: dict[str, list[str]]) -> bool:
    checks = {
        "ids": job.id,
        "channel": job.channel,
        "externalId": job.external_id,
        "statuses": job.status,
        "mode": job.mode,
    }
    for key, wanted in filters.items():
        if key in checks and wanted and checks[key] not in wanted:
            return False
    return True


async def get_job(sim: Simulator, request: Request) -> Response:
    async def handle() -> Response:
        sim.state.count("job_status_requests")  # the polls among the runtime calls (benchmarks)
        job = sim.state.job(request.path_params["domain"], request.path_params["job_id"])
        if job is None:
            return spring_error(404, "Job not found", request.url.path)
        return JSONResponse({"status": "success", "data": job.job_json()})

    return await sim.guarded(request, "runtime", handle)


async def list_jobs(sim: Simulator, request: Request) -> Response:
    async def handle() -> Response:
        filters = parse_filter(request.query_params.get("filter"))
        jobs = [j for j in sim.state.jobs(request.path_params["domain"]) if _matches(j, filters)]
        jobs.sort(key=lambda j: j.start_date, reverse=True)
        return JSONResponse(sim.page([j.job_json() for j in jobs], request))

    return await sim.guarded(request, "runtime", handle)


async def stop_job(sim: Simulator, request: Request) -> Response:
    async def handle() -> Response:
        job = sim.state.job(request.path_params["domain"], request.path_params["job_id"])
        if job is None:
            return spring_error(404, "Job not found", request.url.path)
        if job.status == "started":
            job.status = "canceled"
        return PlainTextResponse(f"Job {job.id} {job.status}")

    return await sim.guarded(request, "runtime", handle)


async def list_flow_instances(sim: Simulator, request: Request) -> Response:
    async def handle() -> Response:
        filters = parse_filter(request.query_params.get("filter"))
        job_ids = filters.get("jobId") or filters.get("jobIds")
        ids = filters.get("ids")
        items = [
            j.flow_instance_json()
            for j in sim.state.jobs(request.path_params["domain"])
            if (not job_ids or j.id in job_ids) and (not ids or j.flow_instance_id in ids)
        ]
        return JSONResponse(sim.page(items, request))

    return await sim.guarded(request, "runtime", handle)


async def list_flow_steps(sim: Simulator, request: Request) -> Response:
    async def handle() -> Response:
        filters = parse_filter(request.query_params.get("filter"))
        instance_ids = filters.get("flowInstanceId")
        step_types = filters.get("stepTypes")
        items = []
        if not step_types or "output" in step_types:
            items = [
                j.output_step_json()
                for j in sim.state.jobs(request.path_params["domain"])
                if not instance_ids or j.flow_instance_id in instance_ids
            ]
        return JSONResponse(sim.page(items, request))

    return await sim.guarded(request, "runtime", handle)


async def output_files(sim: Simulator, request: Request) -> Response:
    async def handle() -> Response:
        job = sim.state.job_by_step(request.path_params["domain"], request.path_params["step_id"])
        if job is None:
            return spring_error(404, "Flow step not found", request.url.path)
        names = sorted(job.artifacts) if job.status == "complete" else []
        return JSONResponse(sim.page(names, request))

    return await sim.guarded(request, "runtime", handle)


async def artifact(sim: Simulator, request: Request) -> Response:
    async def handle() -> Response:
        job = sim.state.job_by_step(request.path_params["domain"], request.path_params["step_id"])
        found = job.artifacts.get(request.path_params["name"]) if job is not None else None
        if job is None or found is None or job.status != "complete":
            return spring_error(404, "Artifact not found", request.url.path)
        return Response(found.content, media_type=found.mime_type)

    return await sim.guarded(request, "runtime", handle)
