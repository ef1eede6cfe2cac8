"""Apicurio Registry 3.x (in-memory storage) serving the Confluent-compatible API at /apis/ccompat/v7."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bcx.local.errors import LocalStackError
from bcx.local.fetch import registry_jar
from bcx.local.java import find_java
from bcx.local.paths import LocalPaths
from bcx.local.process import ManagedProcess

CCOMPAT_PATH = "/apis/ccompat/v7"
REGISTRY_JAVA = 21  # Apicurio Registry 3.3 is compiled for Java 21 (class file 65)


def registry_answers(base_url: str) -> bool:
    try:
        response = httpx.get(f"{base_url}{CCOMPAT_PATH}/subjects", timeout=2.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


@dataclass
class RegistryNode:
    paths: LocalPaths
    run_dir: Path
    port: int = 18081
    management_port: int = 18082
    heap: str = "512m"
    _process: ManagedProcess | None = field(default=None, init=False, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The Confluent-compatible endpoint that schema registry clients are given."""
        return f"{self.base_url}{CCOMPAT_PATH}"

    def process(self) -> ManagedProcess:
        if self._process is None:
            jar = registry_jar(self.paths)
            if not jar.is_file():
                raise LocalStackError("Apicurio Registry is not fetched yet; run `bcx local fetch`")
            java = find_java(REGISTRY_JAVA)
            self._process = ManagedProcess(
                name="registry",
                run_dir=self.run_dir,
                argv=[
                    java,
                    f"-Xmx{self.heap}",
                    "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.host=127.0.0.1",
                    f"-Dquarkus.http.port={self.port}",
                    # bcx tests delete subjects between cases; allow it through every API
                    "-Dapicurio.rest.deletion.artifact.enabled=true",
                    "-Dapicurio.rest.deletion.artifact-version.enabled=true",
                    "-Dapicurio.rest.deletion.group.enabled=true",
                    # the management interface (health) would bind 0.0.0.0:9000 and clash between instances
                    "-Dquarkus.management.host=127.0.0.1",
                    f"-Dquarkus.management.port={self.management_port}",
                    "-Dquarkus.log.level=WARN",
                    '-Dquarkus.log.category."io.quarkus".level=INFO',
                    "-jar",
                    str(jar),
                ],
                ready=lambda: registry_answers(self.base_url),
                ports=(self.port, self.management_port),
            )
        return self._process

    def start(self) -> int:
        return self.process().start()

    def stop(self) -> bool:
        return self.process().stop()

    def running(self) -> bool:
        return self.process().running()

    def version(self) -> str:
        try:
            response = httpx.get(f"{self.base_url}/apis/registry/v3/system/info", timeout=2.0)
            info = response.json()
        except (httpx.HTTPError, ValueError):
            return "unknown"
        return f"{info.get('name', 'Apicurio Registry')} {info.get('version', '?')}"
