"""The local stack as operators use it: one broker, one registry and the index's PostgreSQL on fixed ports
under ``var/local``."""

from __future__ import annotations

from dataclasses import dataclass

from bcx.local.fetch import Versions, fetch_all
from bcx.local.kafka_node import KafkaNode
from bcx.local.paths import LocalPaths
from bcx.local.postgres_node import DEFAULT_POSTGRES_PORT, PostgresNode
from bcx.local.registry_node import RegistryNode

DEFAULT_KAFKA_PORT = 19092
DEFAULT_CONTROLLER_PORT = 19093
DEFAULT_REGISTRY_PORT = 18081


@dataclass(frozen=True)
class LocalStack:
    kafka: KafkaNode
    registry: RegistryNode
    #: the document index's database (docs/document-index.md)
    postgres: PostgresNode

    @classmethod
    def default(cls, paths: LocalPaths | None = None) -> LocalStack:
        paths = paths or LocalPaths()
        return cls(
            kafka=KafkaNode(paths, paths.run / "kafka", DEFAULT_KAFKA_PORT, DEFAULT_CONTROLLER_PORT),
            registry=RegistryNode(paths, paths.run / "registry", DEFAULT_REGISTRY_PORT),
            postgres=PostgresNode(paths.run / "postgres", DEFAULT_POSTGRES_PORT),
        )

    def fetch(self) -> Versions:
        return fetch_all(self.kafka.paths)

    def up(self) -> None:
        self.fetch()
        self.kafka.start()
        self.registry.start()
        self.postgres.start()

    def down(self) -> None:
        # registry first: it holds no Kafka state, but stopping Kafka first would leave its clients retrying
        self.postgres.stop()
        self.registry.stop()
        self.kafka.stop()
