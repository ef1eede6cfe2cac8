"""requirements.lock, the image's runtime dependencies: compiled from the current pyproject.toml, every
direct dependency pinned within its range, every pin hash-checked; and CI's SBOM can be made from it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.lockfile import LOCK, dependencies_digest, project_dependencies, recorded_digest
from tests.support.required import missing

# the image: CPython 3.11 on linux/amd64 (the base image), where the lock's markers are evaluated
IMAGE_ENVIRONMENT = {"python_version": "3.11", "sys_platform": "linux", "platform_system": "Linux"}


def pins() -> dict[str, str]:
    """Package name → pinned version."""
    found = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", LOCK.read_text(), flags=re.MULTILINE)
    return {canonicalize_name(name): version for name, version in found}


class TestLock:
    def test_compiled_from_the_current_dependencies(self) -> None:
        """The lock records the digest of [project].dependencies it was compiled from, and it matches
        pyproject.toml (else: run `make lock`)."""
        assert recorded_digest() == dependencies_digest(project_dependencies()), "run `make lock`"

    def test_every_direct_dependency_is_pinned_within_its_range(self) -> None:
        """Each runtime dependency that applies in the image is pinned at a version its specifier allows."""
        pinned = pins()
        for text in project_dependencies():
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate(IMAGE_ENVIRONMENT):
                continue
            name = canonicalize_name(requirement.name)
            assert name in pinned, f"{name} is not in requirements.lock: run `make lock`"
            assert requirement.specifier.contains(pinned[name], prereleases=True), (
                f"{name}=={pinned[name]} is outside {requirement.specifier}: run `make lock`"
            )

    def test_every_pin_carries_hashes(self) -> None:
        """Each pinned package lists sha256 hashes, so `pip install --require-hashes` in the image works."""
        entries = re.split(r"^(?=[A-Za-z0-9])", LOCK.read_text(), flags=re.MULTILINE)
        packages = [e for e in entries if "==" in e.split("\n", 1)[0]]
        assert len(packages) == len(pins()) > 10
        for entry in packages:
            assert "--hash=sha256:" in entry, entry.split("\n", 1)[0]

    def test_the_digest_sees_a_dependency_change(self) -> None:
        """Adding or changing a dependency changes the digest, so the first test has teeth."""
        current = project_dependencies()
        assert dependencies_digest([*current, "left-pad>=1"]) != dependencies_digest(current)
        assert dependencies_digest(list(reversed(current))) == dependencies_digest(current)


class TestSbom:
    def test_cyclonedx_sbom_of_the_image_dependencies(self, tmp_path: Path) -> None:
        """`cyclonedx-py requirements requirements.lock` (what `make sbom` runs in CI, offline) lists every
        pinned package with its version."""
        tool = shutil.which("cyclonedx-py") or str(Path(sys.executable).parent / "cyclonedx-py")
        if not Path(tool).is_file():
            missing("cyclonedx-py (the dev dependency cyclonedx-bom) is not installed; run `make install`")
        out = tmp_path / "sbom.json"
        result = subprocess.run(
            [tool, "requirements", "--of", "JSON", "-o", str(out), str(LOCK)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        components = {
            canonicalize_name(c["name"]): c["version"] for c in json.loads(out.read_text())["components"]
        }
        assert components == pins()
