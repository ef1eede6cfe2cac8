"""A single-node KRaft Apache Kafka (broker + controller) started from the cached Maven jars."""

from __future__ import annotations

import base64
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from confluent_kafka.admin import AdminClient

from bcx.local.errors import LocalStackError
from bcx.local.java import find_java
from bcx.local.paths import LocalPaths
from bcx.local.process import ManagedProcess

KAFKA_JAVA = 17  # Kafka 4.x brokers need Java 17+


def new_cluster_id() -> str:
    """A Kafka-style cluster id (22-char URL-safe base64 UUID) that does not start with '-'.

    The storage tool would read a leading '-' as an option and refuse to format.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def metadata_answers(bootstrap: str, timeout: float = 2.0) -> bool:
    """True when the broker answers a metadata request (the readiness test clients care about)."""
    try:
        admin = AdminClient({"bootstrap.servers": bootstrap, "socket.connection.setup.timeout.ms": 1000})
        metadata = admin.list_topics(timeout=timeout)
    except Exception:  # any failure here just means "not ready yet"
        return False
    return bool(metadata.brokers)


@dataclass
class KafkaNode:
    """Runs Kafka from ``paths.kafka_lib`` with data and logs in ``run_dir``."""

    paths: LocalPaths
    run_dir: Path
    port: int = 19092
    controller_port: int = 19093
    heap: str = "768m"
    _process: ManagedProcess | None = field(default=None, init=False, repr=False)

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def config_file(self) -> Path:
        return self.run_dir / "server.properties"

    def _java_logging(self) -> list[str]:
        return [
            f"-Dlog4j2.configurationFile={self.paths.deploy / 'kafka' / 'log4j2.properties'}",
            f"-Dkafka.logs.dir={self.run_dir}",
        ]

    def _classpath(self) -> str:
        if not self.paths.kafka_lib.is_dir():
            raise LocalStackError("Kafka jars are not fetched yet; run `bcx local fetch`")
        return f"{self.paths.kafka_lib}/*"

    def process(self) -> ManagedProcess:
        if self._process is None:
            java = find_java(KAFKA_JAVA)
            self._process = ManagedProcess(
                name="kafka",
                run_dir=self.run_dir,
                argv=[
                    java,
                    "-Xms256m",
                    f"-Xmx{self.heap}",
                    "-XX:+UseG1GC",
                    "-XX:TieredStopAtLevel=1",
                    "-Djava.awt.headless=true",
                    *self._java_logging(),
                    "-cp",
                    self._classpath(),
                    "kafka.Kafka",
                    str(self.config_file),
                ],
                ready=lambda: port_open(self.port) and metadata_answers(self.bootstrap_servers),
                ports=(self.port, self.controller_port),
            )
        return self._process

    def _configure(self) -> None:
        """Write server.properties and format the storage once (a formatted log dir is reused)."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        template = (self.paths.deploy / "kafka" / "server.properties.in").read_text()
        self.config_file.write_text(
            template.replace("@DIR@", str(self.run_dir))
            .replace("@PORT@", str(self.port))
            .replace("@CPORT@", str(self.controller_port))
        )
        if (self.run_dir / "data" / "meta.properties").is_file():
            return
        cluster_id = new_cluster_id()
        java = find_java(KAFKA_JAVA)
        result = subprocess.run(
            [
                java,
                "-Xmx256m",
                *self._java_logging(),
                "-cp",
                self._classpath(),
                "kafka.tools.StorageTool",
                "format",
                "-t",
                cluster_id,
                "-c",
                str(self.config_file),
                "--ignore-formatted",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise LocalStackError(
                f"formatting Kafka storage failed:\n{(result.stdout + result.stderr)[-3000:]}"
            )

    def start(self) -> int:
        if self.process().pid() is None:
            self._configure()
        return self.process().start()

    def stop(self) -> bool:
        return self.process().stop()

    def running(self) -> bool:
        return self.process().running()

    def version(self) -> str:
        """The broker's own version string, from ``kafka.Kafka --version``."""
        java = find_java(KAFKA_JAVA)
        result = subprocess.run(
            [java, "-Xmx128m", *self._java_logging(), "-cp", self._classpath(), "kafka.Kafka", "--version"],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip().splitlines()[0] if result.stdout.strip() else "unknown"
