"""Running the simulator: in a thread on a free loopback port (tests), or in the foreground (CLI)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from simulators.exstream.app import create_app
from simulators.exstream.config import SimulatorConfig
from simulators.exstream.simulator import Simulator


class RunningSimulator:
    """A simulator served by uvicorn in a daemon thread; ``stop()`` shuts it down cleanly."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.simulator = Simulator(config)
        app = create_app(simulator=self.simulator)
        # proto=IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted connections (else ~40 ms per reply).
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((config.host, config.port))
        host, port = self._sock.getsockname()[:2]
        self.base_url = f"http://{host}:{port}"
        self._server = uvicorn.Server(
            uvicorn.Config(app, lifespan="off", log_config=None, access_log=False, ws="none")
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="exstream-sim", daemon=True
        )

    def start(self, timeout_s: float = 10.0) -> RunningSimulator:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Exstream simulator did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=timeout_s)
        self._sock.close()


@contextmanager
def running_simulator(config: SimulatorConfig | None = None) -> Iterator[RunningSimulator]:
    """``with running_simulator(SimulatorConfig(port=0, outbox=tmp)) as sim: sim.base_url``"""
    running = RunningSimulator(config or SimulatorConfig(port=0)).start()
    try:
        yield running
    finally:
        running.stop()


def serve(config: SimulatorConfig) -> None:
    """Serve in the foreground until interrupted (``bcx sim exstream``)."""
    uvicorn.run(
        create_app(config), host=config.host, port=config.port, lifespan="off", log_config=None, ws="none"
    )
