"""Running the simulator: in a background thread on a free port (tests, demos) or in the foreground (CLI)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from bcx.errors import BcxError
from simulators.bigcommerce.app import create_app
from simulators.bigcommerce.config import SimulatorConfig


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class RunningSimulator:
    """A simulator serving in a thread: ``base_url`` for ``BigCommerceSettings``; ``stop()`` ends it."""

    base_url: str
    app: Starlette
    config: SimulatorConfig
    _server: uvicorn.Server
    _thread: threading.Thread

    def stop(self, timeout_s: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout_s)

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start_simulator(
    config: SimulatorConfig | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    startup_timeout_s: float = 10.0,
) -> RunningSimulator:
    """Start the simulator with uvicorn in a daemon thread; returns once it accepts connections."""
    config = config or SimulatorConfig()
    app = create_app(config)
    port = port or free_port(host)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name=f"bigcommerce-sim:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise BcxError(f"BigCommerce simulator did not start on {host}:{port}")
        time.sleep(0.02)
    return RunningSimulator(f"http://{host}:{port}", app, config, server, thread)


def serve_forever(config: SimulatorConfig, *, host: str, port: int) -> None:
    """Serve in the foreground until interrupted (``bcx sim bigcommerce``)."""
    uvicorn.run(create_app(config), host=host, port=port, log_level="info", lifespan="off")
