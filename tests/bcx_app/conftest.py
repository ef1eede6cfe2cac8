"""Fixtures of the composition-root tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bcx.settings import KafkaSettings, RegistrySettings
from tests.bcx_app.flow_world import World, make_world
from tests.conftest import NewTopic


@pytest.fixture
def world(
    kafka_settings: KafkaSettings,
    registry_settings: RegistrySettings,
    registry: Any,
    new_topic: NewTopic,
    tmp_path: Path,
) -> Iterator[World]:
    """Both simulators and a fresh order-snapshot topic (see :mod:`tests.bcx_app.flow_world`)."""
    with make_world(kafka_settings, registry_settings, registry, new_topic, tmp_path) as running:
        yield running
