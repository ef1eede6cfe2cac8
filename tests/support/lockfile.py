"""``requirements.lock``: the image's exact runtime dependencies (hash-pinned, from ``uv pip compile``).

``make lock`` regenerates it and appends the digest of ``[project].dependencies`` it was compiled from, so
a test can tell, offline, that pyproject.toml changed since (``python -m tests.support.lockfile`` prints
that line).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
DIGEST_PREFIX = "# compiled from [project].dependencies sha256:"


def project_dependencies(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    dependencies: list[str] = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    return dependencies


def dependencies_digest(dependencies: list[str]) -> str:
    canonical = json.dumps(sorted(" ".join(d.split()) for d in dependencies))
    return hashlib.sha256(canonical.encode()).hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    for line in lock.read_text().splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line.removeprefix(DIGEST_PREFIX).strip()
    return None


if __name__ == "__main__":
    print(f"{DIGEST_PREFIX} {dependencies_digest(project_dependencies())}")
