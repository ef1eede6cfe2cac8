"""Where the local stack keeps its files, relative to the project checkout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LocalPaths:
    """Downloads live in ``cache`` (kept between runs); data, logs and pid files in ``run``."""

    root: Path = PROJECT_ROOT

    @property
    def deploy(self) -> Path:
        return self.root / "deploy" / "local"

    @property
    def pom(self) -> Path:
        return self.deploy / "pom.xml"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

    @property
    def kafka_lib(self) -> Path:
        return self.cache / "kafka" / "lib"

    @property
    def apicurio_home(self) -> Path:
        return self.cache / "apicurio"

    @property
    def run(self) -> Path:
        return self.root / "var" / "local"
