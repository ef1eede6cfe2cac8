"""The local stack as operators use it: one broker, one registry and the document index's PostgreSQL under
``var/local``.

Ports default to 19092 (Kafka; its controller on the next port), 18081 (the registry; its management
interface on the next port) and 15432 (PostgreSQL) and can be chosen with ``bcx local up --kafka-port/
--registry-port/--postgres-port``. ``up`` records the ports in ``<run dir>/ports.json`` so ``status`` and
``down`` find the same stack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bcx.local.errors import LocalStackError, StartupError
from bcx.local.fetch import Versions, fetch_all
from bcx.local.kafka_node import KafkaNode
from bcx.local.paths import LocalPaths
from bcx.local.ports import port_free
from bcx.local.postgres_node import DEFAULT_POSTGRES_PORT, PostgresNode
from bcx.local.registry_node import RegistryNode

DEFAULT_KAFKA_PORT = 19092
DEFAULT_REGISTRY_PORT = 18081


@dataclass(frozen=True)
class StackPorts:
    kafka: int = DEFAULT_KAFKA_PORT
    registry: int = DEFAULT_REGISTRY_PORT
    postgres: int = DEFAULT_POSTGRES_PORT

    @property
    def controller(self) -> int:
        return self.kafka + 1

    @property
    def management(self) -> int:
        return self.registry + 1

    def all(self) -> tuple[int, ...]:
        return (self.kafka, self.controller, self.registry, self.management, self.postgres)


def _ports_file(run_dir: Path) -> Path:
    return run_dir / "ports.json"


def recorded_ports(run_dir: Path) -> StackPorts | None:
    """The ports the last ``up`` in ``run_dir`` used, if any."""
    try:
        raw = json.loads(_ports_file(run_dir).read_text())
        return StackPorts(
            kafka=int(raw["kafka"]),
            registry=int(raw["registry"]),
            postgres=int(raw.get("postgres", DEFAULT_POSTGRES_PORT)),
        )
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise LocalStackError(
            f"{_ports_file(run_dir)} is unreadable; delete it and run `bcx local up`"
        ) from exc


@dataclass(frozen=True)
class LocalStack:
    kafka: KafkaNode
    registry: RegistryNode
    #: the document index's database (docs/document-index.md)
    postgres: PostgresNode
    ports: StackPorts
    run_dir: Path

    @classmethod
    def default(
        cls, paths: LocalPaths | None = None, ports: StackPorts | None = None, run_dir: Path | None = None
    ) -> LocalStack:
        """The stack in ``run_dir`` (default ``var/local``) on ``ports`` (default: as last recorded there,
        else 19092/18081)."""
        paths = paths or LocalPaths()
        run_dir = run_dir or paths.run
        ports = ports or recorded_ports(run_dir) or StackPorts()
        return cls(
            kafka=KafkaNode(paths, run_dir / "kafka", ports.kafka, ports.controller),
            registry=RegistryNode(paths, run_dir / "registry", ports.registry, ports.management),
            postgres=PostgresNode(run_dir / "postgres", ports.postgres),
            ports=ports,
            run_dir=run_dir,
        )

    def fetch(self) -> Versions:
        return fetch_all(self.kafka.paths)

    def up(self) -> None:
        """Start all three (idempotent); refuse before starting anything when another process holds a port."""
        self.fetch()
        recorded = recorded_ports(self.run_dir)
        if recorded is not None and recorded != self.ports and self._any_started():
            raise LocalStackError(
                f"the stack in {self.run_dir} is running on Kafka port {recorded.kafka} and registry port "
                f"{recorded.registry}; run `bcx local down` before choosing other ports"
            )
        taken = [port for port in self._ports_to_start() if not port_free(port)]
        if taken:
            raise StartupError(
                f"port {', '.join(map(str, taken))} is already in use by another process; stop it or choose "
                "other ports with `bcx local up --kafka-port N --registry-port M --postgres-port P`"
            )
        self.run_dir.mkdir(parents=True, exist_ok=True)
        _ports_file(self.run_dir).write_text(
            json.dumps(
                {"kafka": self.ports.kafka, "registry": self.ports.registry, "postgres": self.ports.postgres}
            )
        )
        self.kafka.start()
        self.registry.start()
        self.postgres.start()

    def _any_started(self) -> bool:
        return (
            self.kafka.process().pid() is not None
            or self.registry.process().pid() is not None
            or self.postgres.pid() is not None
        )

    def _ports_to_start(self) -> list[int]:
        ports: list[int] = []
        if self.kafka.process().pid() is None:
            ports += [self.ports.kafka, self.ports.controller]
        if self.registry.process().pid() is None:
            ports += [self.ports.registry, self.ports.management]
        if self.postgres.pid() is None:
            ports.append(self.ports.postgres)
        return ports

    def down(self) -> None:
        # registry first: it holds no Kafka state, but stopping Kafka first would leave its clients retrying
        self.postgres.stop()
        self.registry.stop()
        self.kafka.stop()
