"""A spec-faithful simulator of OpenText Exstream (OTDS tokens, Orchestration inputs and runtime jobs).

``create_app(config)`` builds the Starlette app; ``running_simulator(config)`` serves it on a free loopback
port for tests; ``bcx sim exstream`` serves it from the command line.
"""

from __future__ import annotations

from simulators.exstream.app import create_app
from simulators.exstream.config import FaultConfig, LatencyConfig, SimulatorConfig
from simulators.exstream.server import RunningSimulator, running_simulator
from simulators.exstream.simulator import Simulator

__all__ = [
    "FaultConfig",
    "LatencyConfig",
    "RunningSimulator",
    "Simulator",
    "SimulatorConfig",
    "create_app",
    "running_simulator",
]
