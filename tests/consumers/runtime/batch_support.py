"""The Exstream simulator on a clock the test moves, so a batch job runs exactly until the test ends it.

The simulator advances a batch job from ``started`` to ``complete`` when its clock passes the job's
``ready_at`` (submission + ``batch_duration_s``). Here that duration is an hour and the clock is real time
plus a shift: :meth:`HeldSimulator.finish_batches` moves the clock past every submitted job, so "the job is
still running" is a fact of the test, not a race with a timer. Inspection goes over HTTP (``/_sim``) and
jobs are stopped through the runtime API, as an operator would.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from simulators.exstream import Simulator, SimulatorConfig, create_app

HOLD_S = 3600.0
DOMAIN = "default"


class ShiftedClock:
    def __init__(self) -> None:
        self.shift = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.shift


class HeldSimulator:
    def __init__(self, outbox: Path) -> None:
        self.clock = ShiftedClock()
        config = SimulatorConfig(
            port=0, seed=5, outbox=outbox, batch_duration_s=HOLD_S, token_ttl_s=100 * HOLD_S
        )
        self.simulator = Simulator(config, clock=self.clock)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((config.host, 0))
        host, port = self._sock.getsockname()[:2]
        self.base_url = f"http://{host}:{port}"
        self._server = uvicorn.Server(
            uvicorn.Config(
                create_app(simulator=self.simulator),
                lifespan="off",
                log_config=None,
                access_log=False,
                ws="none",
            )
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="held-sim", daemon=True
        )

    def start(self) -> HeldSimulator:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert self._thread.is_alive(), "simulator stopped while starting"
            assert time.monotonic() < deadline, "simulator did not start"
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def finish_batches(self) -> None:
        """Every batch job submitted so far completes (from the simulator's point of view, time passed)."""
        self.clock.shift += 2 * HOLD_S

    def stat(self, name: str) -> int:
        return int(httpx.get(f"{self.base_url}/_sim/stats").json().get(name, 0))

    def documents(self, reference: str) -> list[dict[str, Any]]:
        """The documents made for ``reference`` (the simulator-only inspection endpoint)."""
        body = httpx.get(f"{self.base_url}/_sim/documents", params={"reference": reference}).json()
        documents: list[dict[str, Any]] = body["documents"]
        return documents

    def jobs(self, reference: str) -> list[dict[str, Any]]:
        """The runtime API's jobs whose externalId is ``reference``."""
        reply = httpx.get(
            f"{self.base_url}/orchestration/api/v1/runtime/{DOMAIN}/jobs",
            params={"filter": f"externalId:{reference}"},
            headers=self._auth(),
        )
        reply.raise_for_status()
        jobs: list[dict[str, Any]] = reply.json()["data"]
        return jobs

    def stop_job(self, job_id: str) -> None:
        """Cancel a running job through the runtime API (it then reads as failed)."""
        reply = httpx.post(
            f"{self.base_url}/orchestration/api/v1/runtime/{DOMAIN}/jobs/{job_id}/stop", headers=self._auth()
        )
        reply.raise_for_status()

    def _auth(self) -> dict[str, str]:
        token = httpx.post(
            f"{self.base_url}/otdsws/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": "bcx", "client_secret": "bcx-secret"},
        ).json()["access_token"]
        return {"Authorization": f"Bearer {token}"}


@contextmanager
def held_simulator(outbox: Path) -> Iterator[HeldSimulator]:
    running = HeldSimulator(outbox).start()
    try:
        yield running
    finally:
        running.stop()
