"""Kafka and a schema registry for the integration tests, found or started in this order:

1. an external cluster named by ``BCX_TEST_KAFKA_BOOTSTRAP`` (and ``BCX_TEST_REGISTRY_URL``);
2. Docker through testcontainers, when a Docker daemon answers (``apache/kafka`` and Apicurio images);
3. the jar-based broker and registry of ``bcx.local``, started here on free ports with data in a temp dir.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bcx.local.fetch import fetch_all
from bcx.local.kafka_node import KafkaNode, free_port
from bcx.local.paths import LocalPaths
from bcx.local.registry_node import RegistryNode

KAFKA_IMAGE = "apache/kafka:4.1.1"
REGISTRY_IMAGE = "apicurio/apicurio-registry:3.3.3"


@dataclass(frozen=True)
class Infra:
    bootstrap_servers: str
    registry_url: str
    description: str


def _docker_answers() -> bool:
    """True when a Docker daemon answers GET /_ping (the unix socket or a tcp DOCKER_HOST)."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        if host.startswith("unix://"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: str | tuple[str, int] = host.removeprefix("unix://")
        elif host.startswith("tcp://"):
            name, _, port = host.removeprefix("tcp://").partition(":")
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = (name, int(port or 2375))
        else:
            return False
        with sock:
            sock.settimeout(2)
            sock.connect(address)
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            return b" 200 " in sock.recv(64)
    except (OSError, ValueError):
        return False


@contextmanager
def _external() -> Iterator[Infra]:
    bootstrap = os.environ["BCX_TEST_KAFKA_BOOTSTRAP"]
    registry = os.environ.get("BCX_TEST_REGISTRY_URL", "http://127.0.0.1:18081/apis/ccompat/v7")
    yield Infra(bootstrap, registry, f"external Kafka {bootstrap}, registry {registry}")


@contextmanager
def _docker() -> Iterator[Infra]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs
    from testcontainers.kafka import KafkaContainer

    with KafkaContainer(KAFKA_IMAGE).with_kraft() as kafka:
        registry = DockerContainer(REGISTRY_IMAGE).with_exposed_ports(8080)
        with registry:
            wait_for_logs(registry, "Installed features", timeout=120)
            host = registry.get_container_host_ip()
            port = registry.get_exposed_port(8080)
            url = f"http://{host}:{port}/apis/ccompat/v7"
            yield Infra(kafka.get_bootstrap_server(), url, f"Docker {KAFKA_IMAGE} and {REGISTRY_IMAGE}")


@contextmanager
def _local_jars(run_dir: Path) -> Iterator[Infra]:
    paths = LocalPaths()
    fetch_all(paths)
    kafka = KafkaNode(paths, run_dir / "kafka", port=free_port(), controller_port=free_port())
    registry = RegistryNode(paths, run_dir / "registry", port=free_port(), management_port=free_port())
    kafka.start()
    try:
        registry.start()
        try:
            description = (
                f"Apache Kafka {kafka.version()} at {kafka.bootstrap_servers} and "
                f"{registry.version()} at {registry.url} (local jars, logs in {run_dir})"
            )
            yield Infra(kafka.bootstrap_servers, registry.url, description)
        finally:
            registry.stop()
    finally:
        kafka.stop()


def infrastructure(run_dir: Path) -> AbstractContextManager[Infra]:
    """The infrastructure for this test run, chosen by the order in the module docstring."""
    if os.environ.get("BCX_TEST_KAFKA_BOOTSTRAP"):
        return _external()
    if os.environ.get("BCX_TEST_USE_DOCKER", "auto") != "never" and _docker_answers():
        return _docker()
    return _local_jars(run_dir)
