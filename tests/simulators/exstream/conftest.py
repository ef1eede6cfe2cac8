"""A real Exstream simulator on a free loopback port, and client settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bcx.exstream.settings import ExstreamSettings
from simulators.exstream import RunningSimulator, SimulatorConfig, running_simulator


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[RunningSimulator]:
    config = SimulatorConfig(port=0, seed=7, outbox=tmp_path / "outbox", batch_duration_s=0.2)
    with running_simulator(config) as running:
        yield running


@pytest.fixture
def client_settings(sim: RunningSimulator) -> ExstreamSettings:
    return ExstreamSettings(
        base_url=sim.base_url,
        token_url=f"{sim.base_url}/otdsws/oauth2/token",
        client_id="bcx",
        client_secret=SecretStr("bcx-secret"),
        domain="default",
        generate_timeout_s=5,
        poll_initial_delay_s=0.05,
        poll_max_delay_s=0.2,
        poll_timeout_s=20,
    )
