"""The Exstream simulator as a Starlette app: ``create_app(config)``.

Routes (``{d}`` = domain):

- OTDS: ``POST /otdsws/oauth2/token``, ``/otdsws/otdstenant/{t}/oauth2/token``,
  ``/otdstenant/{t}/oauth2/token``, ``/tenants/{t}/oauth2/token``
- inputs: ``POST /orchestration/api/v1/inputs/ondemand/{d}/generate``, ``…/ondemand/{d}/{input}``,
  ``…/inputs/fulfillment/ondemand/{d}/fulfill``,
  ``…/batch/{d}/{input}``
- runtime: ``GET /orchestration/api/v1/runtime/{d}/jobs[/{id}]``, ``POST …/jobs/{id}/stop``,
  ``GET …/flow-instances``, ``…/flow-steps``, ``…/flow-steps/{id}/delivery-file/output-files``,
  ``…/flow-steps/{id}/artifact/{name}``
- design (DAS): ``GET /design/api/v1/resources/{d}``, ``GET|PUT …/resources/{d}/{id}``,
  ``PUT …/resources/{d}/{id}/state`` (approval workflow; see :mod:`simulators.exstream.design`)
- simulator-only: ``/_sim/health``, ``/_sim/documents``, ``/_sim/faults``, ``/_sim/tokens/expire``,
  ``/_sim/stats``, ``/_sim/reset``
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.exstream import admin, design, inputs, runtime
from simulators.exstream.config import SimulatorConfig
from simulators.exstream.simulator import Simulator

Handler = Callable[[Simulator, Request], Awaitable[Response]]
ORCH = "/orchestration/api/v1"
DAS = "/design/api/v1"


def create_app(config: SimulatorConfig | None = None, *, simulator: Simulator | None = None) -> Starlette:
    """A fresh simulator app; ``app.state.simulator`` is the in-process handle."""
    sim = simulator or Simulator(config or SimulatorConfig())

    def bind(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return await handler(sim, request)

        return endpoint

    rt = f"{ORCH}/runtime/{{domain}}"

    async def das_list(request: Request) -> Response:
        return await sim.guarded(
            request, "design", lambda: design.list_resources(sim.design, request, sim.page)
        )

    def das(handler: Callable[[design.DesignStore, Request], Awaitable[Response]]) -> Handler:
        async def endpoint(s: Simulator, request: Request) -> Response:
            return await s.guarded(request, "design", lambda: handler(s.design, request))

        return endpoint

    routes = [
        Route("/otdsws/oauth2/token", bind(admin.token), methods=["POST"]),
        Route("/otdsws/otdstenant/{tenant}/oauth2/token", bind(admin.token), methods=["POST"]),
        Route("/otdstenant/{tenant}/oauth2/token", bind(admin.token), methods=["POST"]),
        Route("/tenants/{tenant}/oauth2/token", bind(admin.token), methods=["POST"]),
        Route(f"{ORCH}/inputs/ondemand/{{domain}}/generate", bind(inputs.generate), methods=["POST"]),
        Route(
            f"{ORCH}/inputs/fulfillment/ondemand/{{domain}}/fulfill", bind(inputs.fulfill), methods=["POST"]
        ),
        Route(f"{ORCH}/inputs/ondemand/{{domain}}/{{input_name}}", bind(inputs.generate), methods=["POST"]),
        Route(f"{ORCH}/inputs/batch/{{domain}}/{{input_name}}", bind(inputs.submit_batch), methods=["POST"]),
        Route(f"{rt}/jobs", bind(runtime.list_jobs), methods=["GET"]),
        Route(f"{rt}/jobs/{{job_id}}", bind(runtime.get_job), methods=["GET"]),
        Route(f"{rt}/jobs/{{job_id}}/stop", bind(runtime.stop_job), methods=["POST"]),
        Route(f"{rt}/flow-instances", bind(runtime.list_flow_instances), methods=["GET"]),
        Route(f"{rt}/flow-steps", bind(runtime.list_flow_steps), methods=["GET"]),
        Route(
            f"{rt}/flow-steps/{{step_id}}/delivery-file/output-files",
            bind(runtime.output_files),
            methods=["GET"],
        ),
        Route(f"{rt}/flow-steps/{{step_id}}/artifact/{{name}}", bind(runtime.artifact), methods=["GET"]),
        Route(f"{DAS}/resources/{{domain}}", das_list, methods=["GET"]),
        Route(f"{DAS}/resources/{{domain}}/{{id}}", bind(das(design.get_resource)), methods=["GET"]),
        Route(f"{DAS}/resources/{{domain}}/{{id}}", bind(das(design.update_resource)), methods=["PUT"]),
        Route(f"{DAS}/resources/{{domain}}/{{id}}/state", bind(das(design.set_state)), methods=["PUT"]),
        Route("/_sim/health", bind(admin.health), methods=["GET"]),
        Route("/_sim/documents", bind(admin.documents), methods=["GET"]),
        Route("/_sim/faults", bind(admin.faults), methods=["GET", "PUT"]),
        Route("/_sim/faults", bind(admin.clear_faults), methods=["DELETE"]),
        Route("/_sim/tokens/expire", bind(admin.expire_tokens), methods=["POST"]),
        Route("/_sim/stats", bind(admin.stats), methods=["GET"]),
        Route("/_sim/reset", bind(admin.reset), methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.simulator = sim
    return app
