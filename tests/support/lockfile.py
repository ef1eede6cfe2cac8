"""``requirements.lock``: the image's exact runtime dependencies (hash-pinned, from ``uv pip compile``);
``requirements-sim.lock``: the same plus the ``sim`` extra, for the image's ``sim`` target.

``make lock`` regenerates both and appends the digest of the ``[project]`` dependencies (and ``sim`` extra)
they were compiled from, so a test can tell, offline, that pyproject.toml changed since
(``python -m tests.support.lockfile`` prints that line).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
SIM_LOCK = ROOT / "requirements-sim.lock"
DIGEST_PREFIX = "# compiled from [project] dependencies and the sim extra, sha256:"


def project_dependencies(pyproject: Path = ROOT / "pyproject.toml", *, extra: str | None = None) -> list[str]:
    """``[project].dependencies``, or those of the optional-dependency group ``extra``."""
    project = tomllib.loads(pyproject.read_text())["project"]
    found: list[str] = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return found


def locked_inputs() -> list[str]:
    """What the two lock files are compiled from."""
    return [*project_dependencies(), *(f"[sim] {d}" for d in project_dependencies(extra="sim"))]


def dependencies_digest(dependencies: list[str]) -> str:
    canonical = json.dumps(sorted(" ".join(d.split()) for d in dependencies))
    return hashlib.sha256(canonical.encode()).hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    for line in lock.read_text().splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line.removeprefix(DIGEST_PREFIX).strip()
    return None


if __name__ == "__main__":
    print(f"{DIGEST_PREFIX} {dependencies_digest(locked_inputs())}")
