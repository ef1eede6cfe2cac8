"""Fetch the Kafka jars and the Apicurio archive from Maven Central into the cache, once."""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from bcx.local.errors import LocalStackError, MissingToolError
from bcx.local.paths import LocalPaths

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"


@dataclass(frozen=True)
class Versions:
    kafka: str
    apicurio: str


def pinned_versions(paths: LocalPaths) -> Versions:
    """The versions pinned in ``deploy/local/pom.xml`` (the single place they are written)."""
    pom = paths.pom.read_text()

    def prop(name: str) -> str:
        match = re.search(rf"<{re.escape(name)}>([^<]+)</{re.escape(name)}>", pom)
        if match is None:
            raise LocalStackError(f"{paths.pom} has no <{name}> property")
        return match.group(1).strip()

    return Versions(kafka=prop("kafka.version"), apicurio=prop("apicurio.version"))


def require_tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise MissingToolError(f"'{name}' is not installed or not on PATH; {hint}")
    return path


def _mvn(paths: LocalPaths, *args: str) -> None:
    mvn = require_tool("mvn", "install Maven (Debian: apt-get install maven)")
    require_tool("java", "install a JDK 17+ (Debian: apt-get install openjdk-17-jre-headless)")
    result = subprocess.run(
        [mvn, "-B", "-q", "-f", str(paths.pom), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stdout + result.stderr)[-3000:]
        raise LocalStackError(f"maven failed (exit {result.returncode}):\n{tail}")


def kafka_ready(paths: LocalPaths, versions: Versions) -> bool:
    return (paths.kafka_lib / f"kafka_2.13-{versions.kafka}.jar").is_file()


def registry_jar(paths: LocalPaths) -> Path:
    return paths.apicurio_home / "quarkus-run.jar"


def fetch_kafka(paths: LocalPaths) -> Path:
    """Copy the broker's runtime classpath into ``.cache/kafka/lib`` unless it is already there."""
    versions = pinned_versions(paths)
    if not kafka_ready(paths, versions):
        if paths.kafka_lib.exists():
            shutil.rmtree(paths.kafka_lib)  # a different pinned version: start clean, no mixed classpath
        _mvn(
            paths,
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={paths.kafka_lib}",
        )
    return paths.kafka_lib


def fetch_registry(paths: LocalPaths) -> Path:
    """Download and unpack Apicurio Registry's ``-all`` archive unless it is already there."""
    versions = pinned_versions(paths)
    marker = paths.apicurio_home / f".version-{versions.apicurio}"
    if not marker.is_file():
        if paths.apicurio_home.exists():
            shutil.rmtree(paths.apicurio_home)
        paths.apicurio_home.mkdir(parents=True)
        _mvn(
            paths,
            f"{DEPENDENCY_PLUGIN}:copy",
            f"-Dartifact=io.apicurio:apicurio-registry-app:{versions.apicurio}:tar.gz:all",
            f"-DoutputDirectory={paths.apicurio_home}",
        )
        archive = paths.apicurio_home / f"apicurio-registry-app-{versions.apicurio}-all.tar.gz"
        with tarfile.open(archive) as tar:
            tar.extractall(paths.apicurio_home, filter="data")
        archive.unlink()
        marker.write_text(versions.apicurio)
    if not registry_jar(paths).is_file():
        raise LocalStackError(f"{registry_jar(paths)} missing after unpacking Apicurio")
    return paths.apicurio_home


def fetch_all(paths: LocalPaths) -> Versions:
    fetch_kafka(paths)
    fetch_registry(paths)
    return pinned_versions(paths)
